import PluginProtocol
import Testing

func decodeResponse(_ line: String) throws -> ResponseFrame {
    try Array(line.utf8).withUnsafeBytes { try ResponseFrame(decoding: $0) }
}

@Suite struct ResponseFrameTests {
    @Test func minimalResponses() throws {
        for verdict in Verdict.allCases {
            let response = try decodeResponse(#"{"id":"7","verdict":"\#(verdict.rawValue)"}"#)
            #expect(response == ResponseFrame(id: Array("7".utf8), verdict: verdict))
        }
    }

    @Test func everyOptionalField() throws {
        let response = try decodeResponse(
            #" { "verdict" : "transient", "id" : "9", "reason": "db \"down\"", "headers": {"h": "v\u00e9"}, "retry_after_ms": 1500, "extra": [1, {"x": null}] } "#)
        #expect(response.verdict == .transient)
        #expect(response.reason == "db \"down\"")
        #expect(response.headers == [ResponseFrame.Header(name: "h", value: Array("vé".utf8))])
        #expect(response.retryAfterMilliseconds == 1500)
    }

    /// Names and verdicts are read in place when plain; escaped ones are decoded.
    @Test func escapedNamesAndVerdicts() throws {
        let response = try decodeResponse(#"{"\u0069d":"3","verdict":"perm\u0061nent","re\"ason":"x"}"#)
        #expect(response == ResponseFrame(id: Array("3".utf8), verdict: .permanent))
        #expect(throws: FrameError.self) { try decodeResponse(#"{"id":"3","verdict":"succe\ss"}"#) }
        #expect(throws: FrameError.self) { try decodeResponse(#"{"id":"3","verdict":"maybe"}"#) }
    }

    @Test func replacementPayloads() throws {
        #expect(try decodeResponse(#"{"id":"1","verdict":"success","value":{"a": [1, 2]}}"#).payload == .json(Array(#"{"a": [1, 2]}"#.utf8)))
        #expect(try decodeResponse(#"{"id":"1","verdict":"success","text":"a\nb"}"#).payload == .text(Array("a\nb".utf8)))
        #expect(try decodeResponse(#"{"id":"1","verdict":"success","base64":"AAEC"}"#).payload == .binary([0, 1, 2]))
        #expect(try decodeResponse(#"{"id":"1","verdict":"success","value":null}"#).payload == .json(Array("null".utf8)))
    }

    @Test func surrogatePairsDecode() throws {
        let response = try decodeResponse(#"{"id":"1","verdict":"permanent","reason":"\ud83d\ude00 \u2028"}"#)
        #expect(response.reason == "😀 \u{2028}")
    }

    @Test(arguments: [
        ("", "not a JSON object"),
        ("not json", "not a JSON object"),
        ("[1]", "not a JSON object"),
        (#"{"id":"1"}"#, "missing field \"verdict\""),
        (#"{"verdict":"success"}"#, "missing field \"id\""),
        (#"{"id":1,"verdict":"success"}"#, "field \"id\": expected a string"),
        (#"{"id":"1","verdict":"maybe"}"#, "field \"verdict\": unknown value \"maybe\""),
        (#"{"id":"1","verdict":"success","text":"a","value":1}"#, "more than one of value, text, base64"),
        (#"{"id":"1","verdict":"success","base64":"!!"}"#, "field \"base64\": not valid base64"),
        (#"{"id":"1","verdict":"success"} trailing"#, "unexpected bytes after the JSON object"),
        (#"{"id":"1","verdict":"success""#, "expected ',' or '}' in an object"),
        (#"{"id":"1","verdict":"transient","retry_after_ms":-5}"#, "field \"retry_after_ms\": must not be negative"),
        (#"{"id":"\ud800","verdict":"success"}"#, "field \"id\": expected a string"),
        ("{\"id\":\"a\u{1}b\",\"verdict\":\"success\"}", "field \"id\": expected a string"),
    ])
    func malformedLinesAreRejectedWithAReason(line: String, reason: String) {
        #expect(throws: FrameError(reason)) { try decodeResponse(line) }
    }

    @Test func invalidUTF8IsRejected() {
        var bytes = Array(#"{"id":"1","verdict":"permanent","reason":"x"}"#.utf8)
        bytes[bytes.count - 3] = 0xFF
        #expect(throws: FrameError.self) { try bytes.withUnsafeBytes { try ResponseFrame(decoding: $0) } }
    }

    @Test func encodeThenDecodeIsIdentity() throws {
        let original = ResponseFrame(
            id: Array("abc".utf8), verdict: .success, payload: .binary([0, 255, 10]), reason: "fine\nreally",
            headers: [ResponseFrame.Header(name: "x-a", value: Array("1".utf8))], retryAfterMilliseconds: 5)
        var line: [UInt8] = []
        original.encode(to: &line)
        #expect(line.last == 0x0A && !line.dropLast().contains(0x0A))
        let decoded = try line.dropLast().withUnsafeBytes { try ResponseFrame(decoding: $0) }
        #expect(decoded == original)
    }

    /// Protocol 1.1's `drop` carries no payload: a value with it is a protocol error.
    @Test func dropCarriesNoPayload() throws {
        #expect(try decodeResponse(#"{"id":"1","verdict":"drop","reason":"filtered"}"#).verdict == .drop)
        #expect(throws: FrameError.self) { try decodeResponse(#"{"id":"1","verdict":"drop","value":{}}"#) }
    }
}

/// Protocol 1.1: keys, headers set and removed, fan-out outputs.
@Suite struct ResponseFrameOutputTests {
    @Test func singleOutputKeysAndHeaders() throws {
        let rekeyed = try decodeResponse(#"{"id":"1","verdict":"success","key":"k2","headers":{"a":"1","gone":null}}"#)
        #expect(rekeyed.key == .bytes(Array("k2".utf8)))
        #expect(rekeyed.headers == [.init(name: "a", value: Array("1".utf8)), .init(name: "gone", value: nil)])
        #expect(try decodeResponse(#"{"id":"1","verdict":"success","key":null}"#).key == .null)
        #expect(try decodeResponse(#"{"id":"1","verdict":"success","key_base64":"/wA="}"#).key == .bytes([0xFF, 0]))
        #expect(try decodeResponse(#"{"id":"1","verdict":"success"}"#).key == .input)
    }

    @Test func outputsInOrder() throws {
        let response = try decodeResponse(
            #"{"id":"1","verdict":"success","outputs":[{"value":{"n":1},"key":"a"},{"text":"two","headers":{"h":null}},{},{"base64":"AAE=","key":null,"extra":[1]}]}"#)
        #expect(
            response.outputs == [
                .init(payload: .json(Array(#"{"n":1}"#.utf8)), key: .bytes(Array("a".utf8))),
                .init(payload: .text(Array("two".utf8)), headers: [.init(name: "h", value: nil)]),
                .init(payload: nil),
                .init(payload: .binary([0, 1]), key: .null),
            ])
        #expect(response.verdict == .success && response.payload == nil)
    }

    @Test func anEmptyListIsADrop() throws {
        let response = try decodeResponse(#"{"id":"1","verdict":"success","outputs":[]}"#)
        #expect(response.verdict == .drop && response.outputs == nil)
    }

    @Test(arguments: [
        (#"{"id":"1","verdict":"permanent","outputs":[{}]}"#, "field \"outputs\": only with verdict success"),
        (#"{"id":"1","verdict":"drop","outputs":[]}"#, "field \"outputs\": only with verdict success"),
        (
            #"{"id":"1","verdict":"success","value":1,"outputs":[{}]}"#,
            "field \"outputs\": each output carries its own value, key and headers, so the answer has none of them"
        ),
        (#"{"id":"1","verdict":"success","outputs":{}}"#, "field \"outputs\": expected an array"),
        (#"{"id":"1","verdict":"success","outputs":[{},1]}"#, "outputs[1]: not a JSON object"),
        (#"{"id":"1","verdict":"success","outputs":[{"text":1}]}"#, "outputs[0]: field \"text\": expected a string"),
        (#"{"id":"1","verdict":"success","outputs":[{}"#, "field \"outputs\": expected ',' or ']' in the array"),
        (#"{"id":"1","verdict":"success","key":"a","key_base64":"AA=="}"#, "more than one of key, key_base64"),
        (#"{"id":"1","verdict":"success","key":1}"#, "field \"key\": expected a string"),
        (#"{"id":"1","verdict":"drop","key":"a"}"#, "verdict drop carries no value, text, base64, key or headers"),
        (#"{"id":"1","verdict":"success","headers":{"a":1}}"#, "field \"headers\": expected a string"),
    ])
    func malformedAnswersAreRejectedWithAReason(line: String, reason: String) {
        #expect(throws: FrameError(reason)) { try decodeResponse(line) }
    }

    @Test func encodeThenDecodeIsIdentity() throws {
        for original in [
            ResponseFrame(id: Array("a".utf8), verdict: .success, key: .null, headers: [.init(name: "x", value: nil)]),
            ResponseFrame(id: Array("b".utf8), verdict: .success, payload: .text(Array("t".utf8)), key: .bytes([0xFF, 1])),
            ResponseFrame(
                id: Array("c".utf8), verdict: .success,
                outputs: [
                    .init(payload: nil), .init(payload: .json(Array("[1]".utf8)), key: .bytes(Array("k".utf8))),
                    .init(payload: .binary([0xFF]), key: .null, headers: [.init(name: "h", value: Array("v".utf8))]),
                ]),
        ] {
            var line: [UInt8] = []
            original.encode(to: &line)
            #expect(try line.dropLast().withUnsafeBytes { try ResponseFrame(decoding: $0) } == original)
        }
    }

    /// An answer cut at the frame limit still names its request when `id` comes first.
    @Test func leadingIDOfACutLine() {
        func id(_ text: String) -> String? {
            Array(text.utf8).withUnsafeBytes { ResponseFrame.leadingID(of: $0) }.map { String(decoding: $0, as: UTF8.self) }
        }
        #expect(id(#"{"id":"42","verdict":"success","outputs":[{"text":"aaaa"#) == "42")
        #expect(id(#" { "id" : "7" "#) == "7")
        #expect(id(#"{"verdict":"success","id":"42""#) == nil)
        #expect(id(#"{"id":"4"#) == nil)
        #expect(id("garbage") == nil)
    }
}
