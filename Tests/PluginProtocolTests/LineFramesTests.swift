import PluginProtocol
import Testing

func decodeAnswer(_ line: [UInt8]) throws -> ResponseFrame {
    try line.withUnsafeBytes { try LineFrames.decodeAnswer($0) }
}

@Suite struct LineFramesTests {
    func request(_ value: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        value.withUnsafeBytes { LineFrames.appendRequest($0, to: &output) }
        return output
    }

    @Test func requestsAreTheValueOnALineWithALeadingBangDoubled() {
        #expect(request(Array("héllo".utf8)) == Array("héllo\n".utf8))
        #expect(request(Array("!bang".utf8)) == Array("!!bang\n".utf8))
        #expect(request([]) == [0x0A])
    }

    @Test func answersAreValuesOrVerdicts() throws {
        #expect(try decodeAnswer(Array("NEW".utf8)) == ResponseFrame(id: [], verdict: .success, payload: .text(Array("NEW".utf8))))
        #expect(try decodeAnswer(Array("new\r".utf8)).payload == .text(Array("new".utf8)), "CRLF tolerated")
        #expect(try decodeAnswer([]).payload == .text([]), "an empty line is an empty value")
        #expect(try decodeAnswer(Array("!!bang".utf8)).payload == .text(Array("!bang".utf8)))
        #expect(try decodeAnswer(Array("!transient db down".utf8)) == ResponseFrame(id: [], verdict: .transient, reason: "db down"))
        #expect(try decodeAnswer(Array("!permanent".utf8)) == ResponseFrame(id: [], verdict: .permanent))
        #expect(try decodeAnswer(Array("!drop".utf8)) == ResponseFrame(id: [], verdict: .drop))
        #expect(try decodeAnswer(Array("!drop below threshold".utf8)) == ResponseFrame(id: [], verdict: .drop, reason: "below threshold"))
    }

    @Test func malformedAnswersAreErrors() {
        #expect(throws: FrameError.self) { try decodeAnswer(Array("!maybe".utf8)) }
        #expect(throws: FrameError.self) { try decodeAnswer(Array("!".utf8)) }
        #expect(throws: FrameError.self) { try decodeAnswer([0xFF, 0x41]) }
    }

    @Test func valuesALineCannotCarryAreNamed() {
        func reason(_ value: [UInt8]?) -> String? {
            guard let value else { return LineFrames.unsupportedReason(nil) }
            return value.withUnsafeBytes { LineFrames.unsupportedReason($0) }
        }
        #expect(reason(Array("fine\ttabs and \r too".utf8)) == nil)
        #expect(reason(Array("two\nlines".utf8))?.contains("newline") == true)
        #expect(reason([0xC3, 0x28])?.contains("not UTF-8") == true)
        #expect(reason(nil)?.contains("null") == true)
    }
}
