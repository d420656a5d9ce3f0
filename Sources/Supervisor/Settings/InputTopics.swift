import Glibc

/// The topics the pipeline consumes: `INPUT_TOPIC` (`pipeline.input_topics`) as a
/// comma-separated list of topic names and `^regex` patterns, subscribed to as they are
/// (librdkafka matches the patterns against the cluster's topics, and follows topics that
/// appear or go). Per-key order holds per topic and partition.
public struct InputTopics: Sendable, CustomStringConvertible {
    /// Every entry as given, in order: a topic name, or a pattern starting with `^`.
    public let entries: [String]
    /// The entries that are names.
    let names: [String]
    private let patterns: [TopicPattern]

    /// The one topic `name`.
    public init(_ name: String) {
        entries = [name]
        names = [name]
        patterns = []
    }

    /// Takes the entries of the setting (`SettingValue.commaSeparated`); each name is
    /// checked with `checkName`, each pattern compiled.
    init(entries: [String], checkName: (String) throws(SettingsError) -> Void) throws(SettingsError) {
        guard !entries.isEmpty, !entries.contains("") else {
            throw SettingsError("expected topic names or ^patterns, separated by commas, with none empty")
        }
        var patterns: [TopicPattern] = []
        for entry in entries {
            if entry.hasPrefix("^") {
                patterns.append(try TopicPattern(entry))
            } else {
                try checkName(entry)
            }
        }
        self.entries = entries
        names = entries.filter { !$0.hasPrefix("^") }
        self.patterns = patterns
    }

    /// The topic name when the input is one named topic (the usual case): its messages
    /// need no look-up of their topic.
    var single: String? { entries.count == 1 && patterns.isEmpty ? names[0] : nil }

    /// Whether the subscription takes `topic`: it is named, or a pattern matches it.
    func includes(_ topic: String) -> Bool {
        names.contains(topic) || patterns.contains { $0.matches(topic) }
    }

    /// The entry that takes `topic`, if one does (for an error message).
    func entry(including topic: String) -> String? {
        names.contains(topic) ? topic : patterns.first { $0.matches(topic) }?.source
    }

    /// Where a retry or a replay of a message first consumed from `original` goes back
    /// to: that topic while the input takes it, else the first named topic; nil when the
    /// input is patterns alone and none takes it.
    func home(of original: String?) -> String? {
        if let original, includes(original) { return original }
        return names.first
    }

    public var description: String { entries.joined(separator: ",") }
}

/// A `^regex` input pattern, compiled as a POSIX extended regular expression (librdkafka's
/// own matcher reads the same syntax for the patterns people write: `^sensors-.*`,
/// `^(eu|us)\.orders$`) to check which topics it takes.
final class TopicPattern: @unchecked Sendable {  // regexec on a compiled pattern is thread-safe
    let source: String
    private var regex = regex_t()

    init(_ source: String) throws(SettingsError) {
        self.source = source
        let status = regcomp(&regex, source, REG_EXTENDED | REG_NOSUB)
        guard status == 0 else {
            var message = [CChar](repeating: 0, count: 256)
            regerror(status, &regex, &message, message.count)
            throw SettingsError("\(source) is not a valid pattern: \(String(cString: message))")
        }
    }

    deinit {
        regfree(&regex)
    }

    func matches(_ topic: String) -> Bool {
        regexec(&regex, topic, 0, nil, 0) == 0
    }
}
