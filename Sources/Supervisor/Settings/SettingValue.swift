/// One setting as given, and where it was given, so an error can point at it and
/// `--check-config` can say where each effective value came from.
public struct SettingValue: Sendable, Equatable {
    /// The value as the source gave it; each setting converts it and checks its range.
    public enum Raw: Sendable, Equatable, CustomStringConvertible {
        case string(String)
        case integer(Int)
        case number(Double)
        case boolean(Bool)
        case strings([String])

        public var description: String {
            switch self {
            case .string(let text): return quoted(text)
            case .integer(let value): return String(value)
            case .number(let value): return String(value)
            case .boolean(let value): return String(value)
            case .strings(let items): return "[" + items.map(quoted).joined(separator: ", ") + "]"
            }
        }

        private func quoted(_ text: String) -> String {
            "\"" + text.replacingAll("\\", with: "\\\\").replacingAll("\"", with: "\\\"") + "\""
        }
    }

    /// Where a value was given.
    public enum Origin: Sendable, Equatable {
        case file(path: String, line: Int?)
        case environment(String)
        case commandLine(String)

        /// How an error names the setting: the file, line and key; the variable; or the option.
        func label(key: String) -> String {
            switch self {
            case .file(let path, let line): return "\(path)\(line.map { " line \($0)" } ?? ""): \(key)"
            case .environment(let name): return name
            case .commandLine(let option): return option
            }
        }

        /// For `--check-config`: where the value came from.
        var source: String {
            switch self {
            case .file(let path, let line): return "\(path)\(line.map { ":\($0)" } ?? "")"
            case .environment(let name): return "environment \(name)"
            case .commandLine(let option): return "command line \(option)"
            }
        }
    }

    public var raw: Raw
    public var origin: Origin

    public init(_ raw: Raw, origin: Origin) {
        self.raw = raw
        self.origin = origin
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
