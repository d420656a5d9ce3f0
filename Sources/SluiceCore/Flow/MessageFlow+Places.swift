extension MessageFlow {
    /// Where each message held is, checked as a whole: a message waiting for a worker, at
    /// one, or held for a retry is in exactly one such place, and one whose outputs are
    /// being written is in none. Returns what is wrong, or nil. The simulator asks after
    /// every step; it walks every message, so the daemon never does.
    package func misplacedMessage() -> String? {
        var places: [Int: Int] = [:]
        scheduler.forEachQueued { places[$0, default: 0] += 1 }
        for slot in suspects { places[slot, default: 0] += 1 }
        for worker in workers.indices {
            for slot in workers[worker].inFlight.values { places[slot, default: 0] += 1 }
        }
        heldRetries.forEach { places[$0, default: 0] += 1 }
        for (slot, count) in places {
            guard table.contains(slot) else { return "slot \(slot) is queued, at a worker or held, but holds nothing" }
            switch table[slot].stage {
            case .queued, .dispatched, .waitingForRetry:
                if count != 1 { return "slot \(slot) (stage \(table[slot].stage)) is in \(count) places" }
            case .producing, .republishing, .handingBack:
                return "slot \(slot) (stage \(table[slot].stage)) is still queued, at a worker or held"
            }
        }
        // With protocol exec a message dispatched is at its own process, which the flow
        // does not track: the interpreter's exec runs do.
        let atOwnProcess = settings.delivery == .processPerMessage
        return table.firstSlot { slot, record in
            switch record.stage {
            case .queued, .waitingForRetry: places[slot] == nil
            case .dispatched: places[slot] == nil && !atOwnProcess
            case .producing, .republishing, .handingBack: false
            }
        }.map { "slot \($0) (stage \(table[$0].stage)) is nowhere: not queued, at no worker, not held" }
    }
}

extension MessageFlow {
    /// Where the messages held are: how many in each stage, how many suspects, and how
    /// many requests each worker holds, for a report of a schedule that did not finish.
    package var heldStages: String {
        var stages: [String: Int] = [:]
        // A search that matches nothing visits every record once.
        _ = table.firstSlot { _, record in
            stages["\(record.stage)", default: 0] += 1
            return false
        }
        let counts = stages.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        return "\(counts); suspects \(suspects.count); at workers \(workers.map(\.inFlight.count))"
    }
}
