import PluginProtocol
import Testing

/// Writes a request frame for `value` and decodes it back as a plugin would.
func roundTrip(
    value: [UInt8]?, key: [UInt8]? = nil, headers: [(String, [UInt8]?)] = []
) throws -> (line: String, request: RequestFrame) {
    var output: [UInt8] = []
    RequestFrameWriter.begin(id: 42, topic: "in", partition: 3, offset: 1234, timestamp: 1_700_000_000_000, attempt: 2, to: &output)
    if let key { key.withUnsafeBytes { RequestFrameWriter.appendKey($0, to: &output) } }
    RequestFrameWriter.appendHeaders({ visit in
        for (name, headerValue) in headers {
            Array(name.utf8).withUnsafeBytes { nameBytes in
                if let headerValue {
                    headerValue.withUnsafeBytes { visit(nameBytes, $0) }
                } else {
                    visit(nameBytes, nil)
                }
            }
        }
    }, to: &output)
    if let value {
        value.withUnsafeBytes { RequestFrameWriter.end(value: $0, to: &output) }
    } else {
        RequestFrameWriter.end(value: nil, to: &output)
    }
    #expect(output.last == 0x0A)
    #expect(output.dropLast().contains(0x0A) == false, "a frame is exactly one line")
    let line = Array(output.dropLast())
    let request = try line.withUnsafeBytes { try RequestFrame(decoding: $0) }
    return (String(decoding: line, as: UTF8.self), request)
}

@Suite struct RequestFrameWriterTests {
    @Test func jsonValueIsEmbeddedAsIs() throws {
        let (line, request) = try roundTrip(value: Array(#"{"a":[1,2.5e3,null,true]}"#.utf8))
        #expect(line == #"{"id":"42","topic":"in","partition":3,"offset":1234,"timestamp":1700000000000,"attempt":2,"headers":{},"value":{"a":[1,2.5e3,null,true]}}"#)
        #expect(request.payload == .json(Array(#"{"a":[1,2.5e3,null,true]}"#.utf8)))
        #expect(request.id == Array("42".utf8))
        #expect(request.attempt == 2 && request.partition == 3 && request.offset == 1234)
    }

    @Test func multiLineJSONStaysOnOneLine() throws {
        let value = Array("{\n  \"a\": 1,\r\n  \"b\": \"x\"\n}\n".utf8)
        let (line, request) = try roundTrip(value: value)
        #expect(line.hasSuffix(#""value":{   "a": 1,    "b": "x" } }"#))
        guard case .json(let bytes)? = request.payload else {
            Issue.record("expected a JSON payload")
            return
        }
        #expect(bytes == Array(#"{   "a": 1,    "b": "x" }"#.utf8), "CR/LF become spaces; nothing else changes")
    }

    @Test func escapedNewlinesAndLineSeparatorsStayJSON() throws {
        let value = Array("{\"s\":\"line1\\nline2 \u{2028} \u{2029}\"}".utf8)
        let (_, request) = try roundTrip(value: value)
        #expect(request.payload == .json(value))
    }

    @Test func utf8TextIsAString() throws {
        let value = Array("héllo \"quoted\" \\ tab\t newline\n end \u{1}".utf8)
        let (line, request) = try roundTrip(value: value)
        #expect(line.contains(#""text":"héllo \"quoted\" \\ tab\t newline\n end \u0001""#))
        #expect(request.payload == .text(value))
    }

    @Test func binaryIsBase64() throws {
        let value: [UInt8] = [0xFF, 0x00, 0xC3, 0x28, 0x80, 0x0A]
        let (line, request) = try roundTrip(value: value)
        #expect(line.contains(#""base64":"/wDDKIAK""#))
        #expect(request.payload == .binary(value))
    }

    @Test func nullValueHasNoPayloadField() throws {
        let (line, request) = try roundTrip(value: nil)
        #expect(!line.contains("value") && !line.contains("text") && !line.contains("base64"))
        #expect(request.payload == nil)
    }

    @Test func emptyValueIsEmptyText() throws {
        let (_, request) = try roundTrip(value: [])
        #expect(request.payload == .text([]))
    }

    @Test func keysAndHeaders() throws {
        let (line, request) = try roundTrip(
            value: Array("x".utf8), key: [0xFE, 0x01],
            headers: [("trace", Array("abc".utf8)), ("blob", [0xFF]), ("empty", nil)])
        #expect(line.contains(#""key_base64":"/gE=""#))
        #expect(line.contains(#""headers":{"trace":"abc","empty":null},"headers_base64":{"blob":"/w=="}"#))
        #expect(request.key == [0xFE, 0x01])
        #expect(request.headers.count == 3)
        let (_, textKey) = try roundTrip(value: nil, key: Array("sensor-1".utf8))
        #expect(textKey.key == Array("sensor-1".utf8))
    }

    @Test func deeplyNestedJSONIsSentAsText() throws {
        let value = Array((String(repeating: "[", count: 200) + String(repeating: "]", count: 200)).utf8)
        let (_, request) = try roundTrip(value: value)
        #expect(request.payload == .text(value))
    }

    @Test func invalidJSONLooksLikeText() throws {
        for text in ["{", "{\"a\":}", "01", "[1,]", "tru", "\"unterminated", "{} {}", "1.", "-", "\"\\x\""] {
            let (_, request) = try roundTrip(value: Array(text.utf8))
            #expect(request.payload == .text(Array(text.utf8)), "\(text)")
        }
    }
}
