import PluginProtocol
import Testing

/// The request fields an operator may leave out: parsed from names, written in frame order
/// with the id and the value always there.
@Suite struct RequestFieldsTests {
    @Test func namesParseAndPrint() throws {
        #expect(try RequestFields(names: ["all"]) == .all)
        #expect(try RequestFields(names: ["value"]) == [])
        #expect(try RequestFields(names: ["id", "headers", "offset", "value"]) == [.offset, .headers])
        #expect(RequestFields([.headers, .topic]).names == ["topic", "headers"], "frame order")
        #expect(RequestFields.all.names == ["topic", "partition", "offset", "timestamp", "attempt", "key", "headers"])
        for bad in ["", "Topic", "values", "all "] {
            #expect(throws: RequestFields.UnknownName.self, "\(bad)") { try RequestFields(names: [bad]) }
        }
        do {
            _ = try RequestFields(names: ["offset", "nope"])
        } catch {
            #expect(error.message.contains("\"nope\"") && error.message.contains("timestamp"))
        }
    }

    @Test func theFrameHoldsTheChosenFieldsOnly() throws {
        var output: [UInt8] = []
        var timestampRead = false
        RequestFrameWriter.begin(
            id: 7, topic: "in", partition: 3, offset: 99, timestamp: { timestampRead = true; return 5 }(), attempt: 2,
            fields: [.offset, .attempt], to: &output)
        Array(#"{"a":1}"#.utf8).withUnsafeBytes { RequestFrameWriter.end(value: $0, to: &output) }
        #expect(String(decoding: output, as: UTF8.self) == #"{"id":"7","offset":99,"attempt":2,"value":{"a":1}}"# + "\n")
        #expect(!timestampRead, "a timestamp left out is not read")
        let request = try output.dropLast().withUnsafeBytes { try RequestFrame(decoding: $0) }
        #expect(request.offset == 99 && request.attempt == 2 && request.topic == "")
    }
}
