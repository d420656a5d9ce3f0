import Foundation
import TOMLKit

/// A TOML config file read into setting values (with their lines) and librdkafka
/// properties. Unknown tables and keys, and values of the wrong kind, fail with the file,
/// key and line.
struct ConfigFile {
    let path: String
    private(set) var values: [String: SettingValue] = [:]
    /// `[kafka]`, then `[kafka.consumer]` and `[kafka.producer]`: (name, value, line).
    private(set) var kafka: [KafkaProperties.Scope: [(name: String, value: String, line: Int?)]] = [:]
    private let lines: [Substring]
    /// Where `{ env = "NAME" }` secrets are read.
    private let environment: [String: String]

    static let tables = ["pipeline", "plugin", "retries", "daemon", "log", "metrics", "kafka"]
    /// Keys read under their current names: a config file written for an older sluiced
    /// keeps working.
    static let renamed = ["pipeline.input_topic": "pipeline.input_topics"]

    init(path: String, environment: [String: String]) throws(SettingsError) {
        self.path = path
        self.environment = environment
        guard !path.isEmpty else { throw SettingsError("--config: no file name given") }
        guard access(path, R_OK) == 0 else {
            throw SettingsError("\(path): cannot read the config file: \(String(cString: strerror(errno)))")
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw SettingsError("\(path): cannot read the config file: not UTF-8 text")
        }
        lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if let trigger = Self.assertionTrigger(in: text) {
            throw SettingsError("\(path) line \(trigger.line): not valid TOML: \(trigger.problem)")
        }
        let document: TOMLTable
        do {
            document = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw SettingsError("\(path) line \(error.source.begin.line): not valid TOML: \(error.description)")
        } catch {
            throw SettingsError("\(path): not valid TOML: \(error)")
        }
        for name in document.keys {
            guard Self.tables.contains(name), let table = document[name]?.table else {
                throw SettingsError("\(path)\(lineLabel(table: nil, key: name)): unknown \(document[name]?.table == nil ? "key" : "table") \(name) (tables: \(Self.tables.map { "[\($0)]" }.joined(separator: ", ")))")
            }
            if name == "kafka" {
                try readKafka(table)
            } else {
                try readSettings(table, name: name)
            }
        }
    }

    private mutating func readSettings(_ table: TOMLTable, name: String) throws(SettingsError) {
        for key in table.keys {
            let fullKey = Self.renamed["\(name).\(key)"] ?? "\(name).\(key)"
            let origin = SettingValue.Origin.file(path: path, line: line(table: name, key: key))
            guard Settings.definition(fullKey) != nil else {
                let known = Settings.definitions.map(\.key).filter { $0.hasPrefix("\(name).") }.map { $0.dropFirst(name.count + 1) }
                throw SettingsError("\(origin.label(key: fullKey)): unknown key (in [\(name)]: \(known.joined(separator: ", ")))")
            }
            // plugin.environment is a table of strings, { NAME = "value" }.
            let given = fullKey == "plugin.environment" ? Self.assignments(table[key]) ?? Self.raw(table[key]) : Self.raw(table[key])
            guard let raw = given else {
                throw SettingsError("\(origin.label(key: fullKey)): expected a string, number, boolean or array of strings")
            }
            guard values[fullKey] == nil else {
                let old = Self.renamed.first { $0.value == fullKey }?.key ?? fullKey
                throw SettingsError("\(origin.label(key: fullKey)): given twice (\(old) is its old name)")
            }
            values[fullKey] = SettingValue(raw, origin: origin)
        }
    }

    private mutating func readKafka(_ table: TOMLTable) throws(SettingsError) {
        for name in table.keys {
            if let scope = KafkaProperties.Scope(rawValue: name), scope != .common, let subtable = table[name]?.table {
                for property in subtable.keys {
                    try addKafka(property, subtable[property], scope: scope, table: "kafka.\(name)")
                }
            } else {
                try addKafka(name, table[name], scope: .common, table: "kafka")
            }
        }
    }

    private mutating func addKafka(_ name: String, _ value: TOMLValueConvertible?, scope: KafkaProperties.Scope, table: String) throws(SettingsError) {
        let line = line(table: table, key: name)
        let label = SettingValue.Origin.file(path: path, line: line).label(key: "\(table).\(name)")
        let text: String
        if let secret = value?.table {
            text = try KafkaProperties.secret(secret, label: label, environment: environment)
        } else if let raw = Self.raw(value), !(raw.isArray) {
            switch raw {
            case .string(let string): text = string
            default: text = raw.description
            }
        } else {
            throw SettingsError("\(label): expected a string, number or boolean, or { file = \"PATH\" }, { credential = \"NAME\" } or { env = \"NAME\" } for a secret")
        }
        if let reason = KafkaProperties.reservedReason(name) { throw SettingsError("\(label): \(reason)") }
        kafka[scope, default: []].append((name, text, line))
        // The parser lists keys sorted; keep the file's order, as written.
        kafka[scope]?.sort { ($0.line ?? .max) < ($1.line ?? .max) }
    }

    /// A TOML array of strings given as text (`["python3", "x.py"]`), as from the
    /// environment; nil when it is not one.
    static func array(_ text: String) -> [String]? {
        guard Self.assertionTrigger(in: "value = \(text)") == nil, let table = try? TOMLTable(string: "value = \(text)"),
            case .strings(let items)? = raw(table["value"])
        else { return nil }
        return items
    }

    /// A table of strings, `{ NAME = "value" }`, as `NAME=value` items; nil for anything else.
    static func assignments(_ value: TOMLValueConvertible?) -> SettingValue.Raw? {
        guard let table = value?.table else { return nil }
        var items: [String] = []
        for name in table.keys {
            guard let text = table[name]?.string else { return nil }
            items.append("\(name)=\(text)")
        }
        return .strings(items)
    }

    static func raw(_ value: TOMLValueConvertible?) -> SettingValue.Raw? {
        guard let value else { return nil }
        if let bool = value.bool { return .boolean(bool) }
        if let int = value.int { return .integer(int) }
        if let double = value.double { return .number(double) }
        if let string = value.string { return .string(string) }
        if let array = value.array {
            var items: [String] = []
            for element in array {
                guard let string = element.string else { return nil }
                items.append(string)
            }
            return .strings(items)
        }
        return nil
    }

    /// The line where `key` is set in `[table]` (nil: top level), found in the text since
    /// the TOML parser keeps no positions for values.
    private func line(table: String?, key: String) -> Int? {
        var current: String?
        for (index, text) in lines.enumerated() {
            let trimmed = text.trimmingWhitespace
            if trimmed.hasPrefix("[") {
                current = trimmed.drop { $0 == "[" }.prefix { $0 != "]" }.split(separator: ".")
                    .map { $0.trimmingWhitespace.trimmingCharacters(in: CharacterSet(charactersIn: "\"'")) }.joined(separator: ".")
                if table == nil && current == key { return index + 1 }
                continue
            }
            guard current == table, let equals = trimmed.firstIndex(of: "=") else { continue }
            let name = trimmed[..<equals].trimmingWhitespace.trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
            if name == key { return index + 1 }
        }
        return nil
    }

    private func lineLabel(table: String?, key: String) -> String {
        line(table: table, key: key).map { " line \($0)" } ?? ""
    }
}

extension SettingValue.Raw {
    var isArray: Bool {
        if case .strings = self { return true }
        return false
    }
}
