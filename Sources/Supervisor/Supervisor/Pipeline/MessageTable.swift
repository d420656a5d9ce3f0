/// Slots for the messages in the daemon, reused through a free list so a steady stream
/// allocates nothing per message. A slot number (plus one) is the token that comes back
/// in the producer's delivery report.
struct MessageTable {
    private var records: [MessageRecord?] = []
    private var free: [Int] = []
    private(set) var count = 0

    mutating func insert(_ record: MessageRecord) -> Int {
        count += 1
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
        return all
    }

    /// Frees a slot and returns its record.
    mutating func remove(_ slot: Int) -> MessageRecord {
        let record = records[slot]!
        records[slot] = nil
        free.append(slot)
        count -= 1
        return record
    }
}
