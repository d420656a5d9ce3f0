/// `sluicectl restart`: the workers to restart one at a time, each drained first so nothing
/// is redone, and the one under way. Pure: the pool says how each worker stands.
struct RollingRestart {
    /// Worker ids waiting their turn, in the order asked.
    private(set) var waiting: [Int] = []
    /// The worker draining or starting again now.
    private(set) var current: Int?

    /// Queues `ids` (a worker already waiting keeps its place).
    mutating func queue(_ ids: [Int]) {
        for id in ids where !waiting.contains(id) { waiting.append(id) }
    }

    /// The next worker to drain for its restart, once the current one is done
    /// (`isDone`: running again, or gone); `canRestart` skips those that cannot be (no
    /// child, retiring). Nil while the current one is under way or none is left.
    mutating func next(isDone: (Int) -> Bool, canRestart: (Int) -> Bool) -> Int? {
        if let current {
            guard isDone(current) else { return nil }
            self.current = nil
        }
        while !waiting.isEmpty {
            let id = waiting.removeFirst()
            guard canRestart(id) else { continue }
            current = id
            return id
        }
        return nil
    }
}
