/// Slots for the messages in the daemon (a `SlotTable`, so a steady stream allocates
/// nothing per message and records are read and changed in place), with what each side
/// holds. A slot number (plus one) is the token that comes back in the producer's delivery
/// report.
final class MessageTable {
    private let records = SlotTable<MessageRecord>()

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

    var count: Int { records.count }

    func insert(_ record: MessageRecord) -> Int {
        if record.progress.isRetry { retries.add(record, 1) } else { input.add(record, 1) }
        return records.insert(record)
    }

    subscript(slot: Int) -> MessageRecord {
        unsafeAddress { UnsafePointer(records.address(of: slot)) }
        unsafeMutableAddress { records.address(of: slot) }
    }

    func contains(_ slot: Int) -> Bool {
        records.contains(slot)
    }

    /// Frees every slot and returns their records.
    func removeAll() -> [MessageRecord] {
        input = Load()
        retries = Load()
        return records.removeAll()
    }

    /// Frees a slot and returns its record.
    func remove(_ slot: Int) -> MessageRecord {
        let record = records.remove(slot)
        if record.progress.isRetry { retries.add(record, -1) } else { input.add(record, -1) }
        return record
    }
}
