import Testing

@testable import SluiceCore

/// A side is full at its limit in messages or in bytes, and takes messages again only once
/// it holds at most half of both.
@Suite struct BufferLimitTests {
    let limit = BufferLimit(messages: 10, bytes: 1000)

    @Test func fullAtEitherLimit() {
        #expect(!limit.isReached(by: MessageTable.Load(count: 9, bytes: 999)))
        #expect(limit.isReached(by: MessageTable.Load(count: 10, bytes: 0)))
        #expect(limit.isReached(by: MessageTable.Load(count: 1, bytes: 1000)))
    }

    @Test func halfEmptyInBoth() {
        #expect(limit.isHalfEmpty(MessageTable.Load(count: 5, bytes: 500)))
        #expect(!limit.isHalfEmpty(MessageTable.Load(count: 6, bytes: 0)))
        #expect(!limit.isHalfEmpty(MessageTable.Load(count: 0, bytes: 501)))
    }
}
