/// The consumed messages the flow holds, under the flow's slots: the flow decides by
/// numbers, and the bytes stay here until it says to forget them (`FlowAction.forget`).
/// Kept in an array that only grows, so a steady stream allocates nothing.
final class HeldMessages {
    private var messages: [KafkaMessage?] = []

    /// The message in `slot`; one the flow does not hold is a programming error.
    subscript(slot: Int) -> KafkaMessage {
        messages[slot]!
    }

    /// Keeps `message` under `slot`.
    func keep(_ message: KafkaMessage, at slot: Int) {
        while messages.count <= slot { messages.append(nil) }
        messages[slot] = message
    }

    /// Frees the message in `slot`.
    func forget(_ slot: Int) {
        messages[slot] = nil
    }

    /// Frees every message: librdkafka's destroy waits for each one held.
    func forgetAll() {
        for slot in messages.indices { messages[slot] = nil }
    }
}
