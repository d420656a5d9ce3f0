/// Slots for the messages in the daemon, reused through a free list so a steady stream
/// allocates nothing per message. A slot number (plus one) is the token that comes back
/// in the producer's delivery report.
struct MessageTable {
    private var records: [MessageRecord?] = []
    private var free: [Int] = []
    private(set) var count = 0

    /// How many messages, and how many bytes of keys and values, one side holds.
    struct Load {
        var count = 0
        var bytes = 0

        mutating func add(_ record: MessageRecord, _ sign: Int) {
            count += sign
            bytes += sign * record.message.heldBytes
        }
    }

    /// What the input holds, and what the retrier holds: bounded apart, so failures held
    /// for a long delay never stop the input.
    private(set) var input = Load()
    private(set) var retries = Load()

    mutating func insert(_ record: MessageRecord) -> Int {
        count += 1
        if record.progress.isRetry { retries.add(record, 1) } else { input.add(record, 1) }
        if let slot = free.popLast() {
            records[slot] = record
            return slot
        }
        records.append(record)
        return records.count - 1
    }

    /// Reads and changes happen in place: a copy of the record on every field access
    /// would cost retains and releases on the hot path.
    subscript(slot: Int) -> MessageRecord {
        _read { yield records[slot]! }
        _modify { yield &records[slot]! }
    }

    func contains(_ slot: Int) -> Bool {
        slot >= 0 && slot < records.count && records[slot] != nil
    }

    /// Frees every slot and returns their records.
    mutating func removeAll() -> [MessageRecord] {
        let all = records.compactMap { $0 }
        records.removeAll()
        free.removeAll()
        count = 0
        input = Load()
        retries = Load()
        return all
    }

    /// Frees a slot and returns its record.
    mutating func remove(_ slot: Int) -> MessageRecord {
        let record = records[slot]!
        records[slot] = nil
        free.append(slot)
        count -= 1
        if record.progress.isRetry { retries.add(record, -1) } else { input.add(record, -1) }
        return record
    }
}
