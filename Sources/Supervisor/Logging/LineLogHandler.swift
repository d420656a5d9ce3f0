import Glibc
import Logging

/// A swift-log handler that writes each event as one line to stderr, in logfmt, JSON or
/// for a person (`LogFormat`), with one write call so that lines from several threads
/// never interleave. To the journal each line starts with its syslog priority (`<3>`), so
/// `journalctl -p warning` selects by level.
public struct LineLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    let format: LogFormat
    let destination: LogDestination

    /// `format` `.auto` becomes `.console` on a terminal and `.logfmt` elsewhere.
    public init(format: LogFormat, level: Logger.Level, destination: LogDestination) {
        switch (format, destination) {
        case (.auto, .terminal): self.format = .console
        case (.auto, _): self.format = .logfmt
        default: self.format = format
        }
        self.destination = destination
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let fields = merged.sorted { $0.key < $1.key }.map { ($0.key, $0.value.description) }
        var bytes = Array(line(level: event.level, message: event.message.description, fields: fields).utf8)
        _ = write(2, &bytes, bytes.count)
    }

    /// The line for one event, with its newline.
    func line(level: Logger.Level, message: String, fields: [(String, String)], time: timespec = Self.now()) -> String {
        let prefix = destination == .journal ? "<\(Self.syslogPriority(level))>" : ""
        switch format {
        case .json:
            return prefix + Self.json([("ts", Self.timestamp(time)), ("level", level.rawValue), ("msg", message)] + fields) + "\n"
        case .console:
            let colors = if case .terminal(let colors) = destination { colors } else { false }
            return prefix + Self.console(level: level, message: message, fields: fields, time: time, colors: colors) + "\n"
        case .logfmt, .auto:
            return prefix + Self.logfmt([("ts", Self.timestamp(time)), ("level", level.rawValue), ("msg", message)] + fields) + "\n"
        }
    }

    /// syslog(3)'s priority for a level, which journald reads from a line's `<N>` prefix.
    static func syslogPriority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: return 7
        case .info: return 6
        case .notice: return 5
        case .warning: return 4
        case .error: return 3
        case .critical: return 2
        }
    }

    static func logfmt(_ fields: [(String, String)]) -> String {
        fields.map { key, value in
            let plain = !value.isEmpty && value.utf8.allSatisfy { $0 > 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "=") && $0 != 0x7F }
            return "\(key)=\(plain ? value : quoted(value))"
        }.joined(separator: " ")
    }

    static func json(_ fields: [(String, String)]) -> String {
        "{" + fields.map { "\(quoted($0.0)):\(quoted($0.1))" }.joined(separator: ",") + "}"
    }

    /// `10:04:41.485 INFO  sink measurements-success value={"sensor_id":"s-5"} attempt=2`:
    /// a value is shown as it is, quoted only when it holds a space and is not JSON, and
    /// only control characters escaped, so that the line stays one line.
    static func console(level: Logger.Level, message: String, fields: [(String, String)], time: timespec, colors: Bool) -> String {
        let name = level.rawValue.uppercased()
        let padded = name + String(repeating: " ", count: max(0, 8 - name.count))
        func paint(_ text: String, _ code: String) -> String { colors ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
        let levelCode: String
        switch level {
        case .trace, .debug: levelCode = "2"
        case .info: levelCode = "32"
        case .notice: levelCode = "36"
        case .warning: levelCode = "33"
        case .error, .critical: levelCode = "1;31"
        }
        var line = paint(localClock(time), "2") + " " + paint(padded, levelCode) + escapedControls(message)
        for (key, value) in fields {
            let json = value.first == "{" || value.first == "["
            let shown = !json && (value.isEmpty || value.contains(" ")) ? "\"\(escapedControls(value))\"" : escapedControls(value)
            line += " " + paint("\(key)=", "2") + shown
        }
        return line
    }

    /// `text` with control characters (a newline, an escape sequence) written as escapes.
    static func escapedControls(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return text }
        let quotedText = quoted(text)
        return String(quotedText.dropFirst().dropLast())
    }

    /// A JSON string literal, which is also how logfmt quotes.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                result += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    static func now() -> timespec {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return now
    }

    private static func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }

    private static func milliseconds(_ time: timespec) -> String {
        let milliseconds = time.tv_nsec / 1_000_000
        return milliseconds < 10 ? "00\(milliseconds)" : milliseconds < 100 ? "0\(milliseconds)" : "\(milliseconds)"
    }

    /// UTC with milliseconds, e.g. 2026-11-27T09:27:53.123Z.
    static func timestamp(_ time: timespec) -> String {
        var parts = tm()
        var seconds = time.tv_sec
        gmtime_r(&seconds, &parts)
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)).\(milliseconds(time))Z"
    }

    /// Local time of day with milliseconds, e.g. 10:27:53.123: a person at a terminal
    /// reads their own clock.
    static func localClock(_ time: timespec) -> String {
        var parts = tm()
        var seconds = time.tv_sec
        localtime_r(&seconds, &parts)
        return "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)).\(milliseconds(time))"
    }
}
