import PluginProtocol
import Testing

@Suite struct JSONWriterTests {
    @Test func addsAMemberToAnObject() {
        func adding(_ object: String) -> String? {
            JSONWriter.object(Array(object.utf8), adding: "validated_by", "v/\"1\"").map { String(decoding: $0, as: UTF8.self) }
        }
        #expect(adding(#"{"a":1}"#) == #"{"a":1,"validated_by":"v/\"1\""}"#)
        #expect(adding(#" { "a" : [1, {"b": 2}] } "#) == #" { "a" : [1, {"b": 2}] ,"validated_by":"v/\"1\""}"#)
        #expect(adding("{}") == #"{"validated_by":"v/\"1\""}"#)
        #expect(adding("{ \n }") == #"{"validated_by":"v/\"1\""}"#)
        #expect(adding("[1]") == nil)
        #expect(adding(#""text""#) == nil)
        #expect(adding("") == nil)
    }
}
