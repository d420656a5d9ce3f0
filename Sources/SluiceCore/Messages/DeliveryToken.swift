/// One output of a message the flow holds, as librdkafka carries it to the output's
/// delivery report: the message's slot, the generation of the slot (how often it was
/// reused before), and the output's place among its verdict's outputs (0 for a single
/// output). A report whose generation is not the slot's own is for a message that is gone,
/// and is ignored: the slot now holds another message.
package struct DeliveryToken: Hashable, Sendable {
    package let slot: Int
    package let index: Int
    package let generation: UInt32

    package init(slot: Int, index: Int = 0, generation: UInt32) {
        self.slot = slot
        self.index = index
        self.generation = generation
    }

    // 64 bits: the slot plus one (never zero) in the low 25, the index in the next 20, the
    // generation's low 19 bits on top. Slots stay below 2^25 (`daemon.max_buffered` is at
    // most 10 million a side), indexes below 2^20 (`plugin.max_outputs`). A generation that
    // wrapped would misread a report only if its slot were reused a multiple of 524,288
    // times while that report was outstanding, which librdkafka bounds by
    // `message.timeout.ms`.
    private static let slotBits = 25
    private static let indexBits = 20
    private static let generationMask: UInt = (1 << 19) - 1

    /// The value handed to librdkafka.
    package var rawValue: UInt {
        UInt(slot + 1) | UInt(index) << Self.slotBits | (UInt(generation) & Self.generationMask) << (Self.slotBits + Self.indexBits)
    }

    /// The token librdkafka handed back; its generation is the low 19 bits of the slot's.
    package init(rawValue: UInt) {
        slot = Int(rawValue & ((1 << Self.slotBits) - 1)) - 1
        index = Int((rawValue >> Self.slotBits) & ((1 << Self.indexBits) - 1))
        generation = UInt32(rawValue >> (Self.slotBits + Self.indexBits))
    }

    /// Whether the token names the generation `generation` of its slot.
    package func isOf(generation current: UInt32) -> Bool {
        generation == UInt32(UInt(current) & Self.generationMask)
    }
}
