/// How much one side (the input, or the retrier) may hold at once, in messages and bytes
/// (`daemon.max_buffered`, `daemon.max_buffered_bytes`).
package struct BufferLimit {
    package var messages: Int
    package var bytes: Int

    package init(messages: Int, bytes: Int) {
        self.messages = messages
        self.bytes = bytes
    }

    /// Whether `load` is at the limit in messages or bytes: that side takes no more.
    package func isReached(by load: MessageTable.Load) -> Bool {
        load.count >= messages || load.bytes >= bytes
    }

    /// Whether `load` is at most half the limit, in messages and in bytes: a side held back
    /// for being full takes messages again.
    package func isHalfEmpty(_ load: MessageTable.Load) -> Bool {
        load.count <= messages / 2 && load.bytes <= bytes / 2
    }
}
