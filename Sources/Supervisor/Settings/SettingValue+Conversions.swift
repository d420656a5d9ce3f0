/// Conversions that name the setting and its source when the value does not fit.
extension SettingValue {
    func fail(_ key: String, _ problem: String) -> SettingsError {
        SettingsError("\(origin.label(key: key)): \(problem)")
    }

    func string(_ key: String) throws(SettingsError) -> String {
        guard case .string(let text) = raw else { throw fail(key, "expected a string, got \(raw)") }
        return text
    }

    func integer(_ key: String, in range: ClosedRange<Int>) throws(SettingsError) -> Int {
        var value: Int?
        switch raw {
        case .integer(let number): value = number
        case .string(let text): value = Int(text.trimmingWhitespace)  // from the environment
        default: value = nil
        }
        guard let value else { throw fail(key, "expected a whole number, got \(raw)") }
        guard range.contains(value) else {
            throw fail(key, "\(value) is not between \(range.lowerBound) and \(range.upperBound)")
        }
        return value
    }

    /// A number of seconds (whole or not) within `range`.
    func seconds(_ key: String, in range: ClosedRange<Double>) throws(SettingsError) -> Duration {
        var value: Double?
        switch raw {
        case .integer(let number): value = Double(number)
        case .number(let number): value = number
        case .string(let text): value = Double(text.trimmingWhitespace)
        default: value = nil
        }
        guard let value, value.isFinite else { throw fail(key, "expected a number of seconds, got \(raw)") }
        guard range.contains(value) else {
            throw fail(key, "\(raw) seconds is not between \(range.lowerBound) and \(range.upperBound)")
        }
        return .milliseconds(Int64((value * 1000).rounded()))
    }

    func choice<T: RawRepresentable & CaseIterable>(_ key: String, _ type: T.Type) throws(SettingsError) -> T where T.RawValue == String {
        let text = try string(key)
        guard let value = T(rawValue: text) else {
            throw fail(key, "\"\(text)\" is not one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return value
    }

    /// A list: one comma-separated string anywhere, or in a config file an array of such
    /// strings. Entries come trimmed; an empty one is kept, for the setting to refuse.
    func commaSeparated(_ key: String) throws(SettingsError) -> [String] {
        let items = if case .strings(let items) = raw { items } else { [try string(key)] }
        return items.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }.map { String($0.trimmingWhitespace) }
    }

    func strings(_ key: String) throws(SettingsError) -> [String] {
        // From the environment, a list is a TOML array (["python3", "/opt/p.py"]) or words
        // apart by spaces (python3 /opt/p.py).
        if case .string(let text) = raw, case .environment = origin {
            guard text.hasPrefix("[") else { return text.split(whereSeparator: \.isWhitespace).map(String.init) }
            guard let items = ConfigFile.array(text) else {
                throw fail(key, "expected an array of strings such as [\"python3\", \"/opt/plugins/filter.py\"], got \(text)")
            }
            return items
        }
        guard case .strings(let items) = raw else {
            throw fail(key, "expected an array of strings, e.g. [\"python3\", \"/opt/plugins/filter.py\"], got \(raw)")
        }
        return items
    }
}
