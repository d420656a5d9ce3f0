import Testing

@testable import Supervisor

/// INPUT_TOPIC as a list of names and `^regex` patterns: what it takes, where a retry or
/// replay goes back to, and the settings it is refused in.
@Suite struct InputTopicsTests {
    func topics(_ text: String) throws(SettingsError) -> InputTopics {
        let entries = try SettingValue(.string(text), origin: .commandLine("--input-topics")).commaSeparated("pipeline.input_topics")
        return try InputTopics(entries: entries, checkName: Settings.validateTopic)
    }

    @Test func namesAndPatterns() throws {
        let input = try topics(" orders , ^sensors-(eu|us)$,^raw\\..* ")
        #expect(input.entries == ["orders", "^sensors-(eu|us)$", "^raw\\..*"])
        #expect(input.single == nil && input.description == "orders,^sensors-(eu|us)$,^raw\\..*")
        for taken in ["orders", "sensors-eu", "sensors-us", "raw.a"] { #expect(input.includes(taken), "\(taken)") }
        for left in ["orders2", "sensors-asia", "sensors-eu-x", "rawa", "x.raw.a"] { #expect(!input.includes(left), "\(left)") }
        #expect(input.entry(including: "sensors-us") == "^sensors-(eu|us)$" && input.entry(including: "orders") == "orders")
        #expect(try topics("one").single == "one")
    }

    /// A retry goes back to the topic it came from while the input takes it, else to the
    /// first named topic; with patterns alone and none matching, nowhere.
    @Test func homeOfARetry() throws {
        let input = try topics("orders,^sensors-.*,returns")
        #expect(input.home(of: "sensors-eu") == "sensors-eu")
        #expect(input.home(of: "returns") == "returns")
        #expect(input.home(of: "gone") == "orders" && input.home(of: nil) == "orders")
        let patterns = try topics("^sensors-.*")
        #expect(patterns.home(of: "sensors-a") == "sensors-a" && patterns.home(of: "other") == nil)
    }

    @Test(arguments: [
        ("", "expected topic names or ^patterns, separated by commas, with none empty"),
        ("a,,b", "expected topic names or ^patterns, separated by commas, with none empty"),
        ("a b", "\"a b\" is not a valid topic name (letters, digits, '.', '_', '-'; at most 249)"),
        ("^(unclosed", "^(unclosed is not a valid pattern: "),
    ])
    func badListsAreRefused(text: String, message: String) {
        #expect(throws: SettingsError.self) { try topics(text) }
        do { _ = try topics(text) } catch { #expect(error.message.hasPrefix(message), "\(error.message)") }
    }
}
