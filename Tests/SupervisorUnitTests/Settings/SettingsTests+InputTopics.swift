import Testing

@testable import Supervisor

/// INPUT_TOPIC among the other settings: the loop check, and the config file's spellings.
extension SettingsTests {
    /// A pattern that takes an output topic would loop messages forever.
    @Test func aPatternTakingAnOutputTopicIsRefused() {
        var environment = complete
        environment["INPUT_TOPIC"] = "in,^o.*"
        #expect(error(environment) == "INPUT_TOPIC: ^o.* takes the output topic ok too, which would loop messages forever")
        environment["INPUT_TOPIC"] = "in,^in-.*"
        #expect((try? resolve(environment))?.inputTopics.entries == ["in", "^in-.*"])
    }

    /// In a config file: `input_topics` as a string or an array; `input_topic`, its old
    /// name, still read; both at once refused.
    @Test func configFileSpellings() throws {
        var environment = complete
        environment["INPUT_TOPIC"] = nil
        let rest = "brokers = \"b:9092\"\ngroup = \"g\"\nsuccess_topic = \"ok\"\ntransient_topic = \"retry\"\npermanent_topic = \"dead\"\n"
        #expect(try resolve(environment, file: "[pipeline]\ninput_topics = [\"a\", \"^b-.*\"]\n" + rest).inputTopics.entries == ["a", "^b-.*"])
        #expect(try resolve(environment, file: "[pipeline]\ninput_topics = \"a,c\"\n" + rest).inputTopics.entries == ["a", "c"])
        #expect(try resolve(environment, file: "[pipeline]\ninput_topic = \"old\"\n" + rest).inputTopics.entries == ["old"])
        let both = error(environment, file: "[pipeline]\ninput_topic = \"a\"\ninput_topics = \"b\"\n" + rest)
        #expect(both?.contains("given twice (pipeline.input_topic is its old name)") == true, "\(both ?? "accepted")")
    }
}
