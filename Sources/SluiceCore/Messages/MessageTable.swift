/// Slots for the messages in the daemon (a `SlotTable`, so a steady stream allocates
/// nothing per message and records are read and changed in place), with what each side
/// holds. A slot and its generation make the token that comes back in the producer's delivery
/// report (`DeliveryToken`).
package final class MessageTable {
    private let records = SlotTable<MessageRecord>()

    /// How many messages, and how many bytes of keys and values, one side holds.
    package struct Load {
        package var count = 0
        package var bytes = 0

        package mutating func add(_ record: MessageRecord, _ sign: Int) {
            count += sign
            bytes += sign * record.bytes
        }
    }

    /// What the input holds, and what the retrier holds: bounded apart, so failures held
    /// for a long delay never stop the input.
    package private(set) var input = Load()
    package private(set) var retries = Load()

    package var count: Int { records.count }

    package func insert(_ record: MessageRecord) -> Int {
        if record.progress.isRetry { retries.add(record, 1) } else { input.add(record, 1) }
        return records.insert(record)
    }

    package subscript(slot: Int) -> MessageRecord {
        unsafeAddress { UnsafePointer(records.address(of: slot)) }
        unsafeMutableAddress { records.address(of: slot) }
    }

    /// The generation of the message in `slot` (`SlotTable.generation(of:)`).
    package func generation(of slot: Int) -> UInt32 {
        records.generation(of: slot)
    }

    package func contains(_ slot: Int) -> Bool {
        records.contains(slot)
    }

    /// The first slot, in slot order, whose record `condition` holds for.
    package func firstSlot(where condition: (Int, borrowing MessageRecord) -> Bool) -> Int? {
        records.firstSlot(where: condition)
    }

    /// Frees every slot and returns their records.
    package func removeAll() -> [MessageRecord] {
        input = Load()
        retries = Load()
        return records.removeAll()
    }

    /// Frees a slot and returns its record.
    package func remove(_ slot: Int) -> MessageRecord {
        let record = records.remove(slot)
        if record.progress.isRetry { retries.add(record, -1) } else { input.add(record, -1) }
        return record
    }
}
