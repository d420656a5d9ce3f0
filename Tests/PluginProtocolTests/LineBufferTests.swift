import Glibc
import PluginProtocol
import Testing

@Suite struct LineBufferTests {
    /// Feeds `chunks` through a real pipe and collects what the buffer delivers.
    func lines(from chunks: [[UInt8]], limit: Int) -> [String] {
        var fds: [Int32] = [0, 0]
        _ = pipe(&fds)
        defer { close(fds[0]) }
        let buffer = LineBuffer(maximumLineLength: limit, initialCapacity: 16)
        var collected: [String] = []
        for chunk in chunks {
            _ = chunk.withUnsafeBytes { write(fds[1], $0.baseAddress, $0.count) }
            _ = buffer.read(from: fds[0])
            buffer.drainLines { event in
                switch event {
                case .line(let line): collected.append(String(decoding: line, as: UTF8.self))
                case .overlong(let prefix): collected.append("OVERLONG:" + String(decoding: prefix.prefix(5), as: UTF8.self))
                }
                return true
            }
        }
        close(fds[1])
        #expect(buffer.read(from: fds[0]) == .endOfFile)
        return collected
    }

    @Test func splitsOnNewlineOnly() {
        let text = "a\u{2028}b\rc\nsecond\n"
        #expect(lines(from: [Array(text.utf8)], limit: 100) == ["a\u{2028}b\rc", "second"])
    }

    @Test func joinsLinesAcrossReads() {
        #expect(lines(from: [Array("hel".utf8), Array("lo\nwor".utf8), Array("ld\n".utf8)], limit: 100) == ["hello", "world"])
    }

    @Test func overlongLinesAreCutAndSkipped() {
        let long = [UInt8](repeating: UInt8(ascii: "x"), count: 5000)
        let result = lines(from: [long, long, Array("\nnext\n".utf8)], limit: 1000)
        #expect(result == ["OVERLONG:xxxxx", "next"])
    }

    /// The limit holds for a line that arrives whole in one read, too (it was delivered
    /// whole before: an answer over --max-frame-bytes got through when the pipe had it all).
    @Test func aLongLineArrivingWholeIsOverlongToo() {
        let long = [UInt8](repeating: UInt8(ascii: "y"), count: 1500)
        #expect(lines(from: [Array("a\n".utf8) + long + Array("\nb\n".utf8)], limit: 1000) == ["a", "OVERLONG:yyyyy", "b"])
        #expect(lines(from: [Array(long.prefix(1000)) + Array("\n".utf8)], limit: 1000) == [String(repeating: "y", count: 1000)])
    }
}
