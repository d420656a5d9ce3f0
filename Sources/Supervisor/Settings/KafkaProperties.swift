import Foundation
import TOMLKit

/// librdkafka properties given by the operator: the config file's `[kafka]` table for both
/// clients, `[kafka.consumer]` and `[kafka.producer]` for one, and `-X` on the command line.
enum KafkaProperties {
    enum Scope: String, Sendable {
        case common = "kafka"
        case consumer
        case producer
    }

    /// The value of `{ file = "PATH" }` (the file's content, without a final newline),
    /// `{ credential = "NAME" }` (the same, from systemd's `$CREDENTIALS_DIRECTORY`, filled
    /// by `LoadCredential=NAME:PATH` in the unit) or `{ env = "NAME" }`: secrets kept out of
    /// the config file.
    static func secret(_ table: TOMLTable, label: String, environment: [String: String]) throws(SettingsError) -> String {
        if let path = table["file"]?.string, table.count == 1 {
            return try secretFile(path, label: label)
        }
        if let name = table["credential"]?.string, table.count == 1 {
            guard !name.isEmpty, !name.contains("/") else { throw SettingsError("\(label): a credential is a name, not a path: \(name)") }
            guard let directory = environment["CREDENTIALS_DIRECTORY"] else {
                throw SettingsError(
                    "\(label): the credential \(name) needs systemd's CREDENTIALS_DIRECTORY: LoadCredential=\(name):PATH in the unit")
            }
            return try secretFile("\(directory)/\(name)", label: label)
        }
        if let name = table["env"]?.string, table.count == 1 {
            guard let value = environment[name] else { throw SettingsError("\(label): the environment variable \(name) is not set") }
            return value
        }
        throw SettingsError("\(label): a secret is { file = \"PATH\" }, { credential = \"NAME\" } or { env = \"NAME\" }")
    }

    private static func secretFile(_ path: String, label: String) throws(SettingsError) -> String {
        guard let content = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw SettingsError("\(label): cannot read the secret file \(path)")
        }
        return content.hasSuffix("\n") ? String(content.dropLast()) : content
    }

    /// Why Sluice does not take a property from the operator, nil when it does.
    static func reservedReason(_ name: String) -> String? {
        switch name {
        case "bootstrap.servers": return "set brokers in [pipeline] (or KAFKA_BROKER) instead"
        case "group.id": return "set group in [pipeline] (or GROUP_ID) instead"
        case "enable.auto.offset.store", "enable.auto.commit", "enable.idempotence":
            return "Sluice sets \(name) itself: at-least-once delivery depends on it"
        default: return nil
        }
    }

    /// Whether a property holds a secret, which `--check-config` and logs never show.
    static func isSecret(_ name: String) -> Bool {
        let lowered = name.lowercased()
        return ["password", "secret", "sasl.oauthbearer.config", "ssl.key.pem", "ssl_key", "ssl.keystore"].contains {
            lowered.contains($0)
        }
    }

    /// `name = "value"`, with a secret's value replaced.
    static func display(_ name: String, _ value: String) -> String {
        "\"\(name)\" = \(isSecret(name) ? "\"(redacted)\"" : SettingValue.Raw.string(value).description)"
    }

    /// Parses `-X name=value` arguments.
    static func parse(commandLine arguments: [String]) throws(SettingsError) -> [(String, String)] {
        try arguments.map { (argument) throws(SettingsError) in
            guard let equals = argument.firstIndex(of: "="), equals != argument.startIndex else {
                throw SettingsError("-X \(argument): expected name=value")
            }
            let name = String(argument[..<equals])
            if let reason = reservedReason(name) { throw SettingsError("-X \(name): \(reason)") }
            return (name, String(argument[argument.index(after: equals)...]))
        }
    }
}
