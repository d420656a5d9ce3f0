/// How much one side (the input, or the retrier) may hold at once, in messages and bytes
/// (`daemon.max_buffered`, `daemon.max_buffered_bytes`).
struct BufferLimit {
    var messages: Int
    var bytes: Int

    /// Whether `load` is at the limit in messages or bytes: that side takes no more.
    func isReached(by load: MessageTable.Load) -> Bool {
        load.count >= messages || load.bytes >= bytes
    }

    /// Whether `load` is at most half the limit, in messages and in bytes: a side held back
    /// for being full takes messages again.
    func isHalfEmpty(_ load: MessageTable.Load) -> Bool {
        load.count <= messages / 2 && load.bytes <= bytes / 2
    }
}
