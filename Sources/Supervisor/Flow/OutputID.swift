/// One output of a message the flow holds: the message's slot, and the output's place
/// among its verdict's outputs (0 for a single output). It goes to librdkafka as the
/// token that comes back in the output's delivery report.
struct OutputID: Hashable {
    let slot: Int
    let index: Int

    init(slot: Int, index: Int = 0) {
        self.slot = slot
        self.index = index
    }

    /// Never zero: the slot plus one in the low 32 bits, the index in the high ones.
    var token: UInt { UInt(slot + 1) | UInt(index) << 32 }

    init(token: UInt) {
        slot = Int(token & 0xFFFF_FFFF) - 1
        index = Int(token >> 32)
    }
}
