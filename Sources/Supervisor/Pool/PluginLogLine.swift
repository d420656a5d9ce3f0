import Logging

/// A line a plugin wrote to stderr and the level sluiced logs it at: a plugin may start
/// the line with a syslog priority, `<3>` to `<7>` as sd-daemon(3) defines them (what
/// journald itself reads), so that `journalctl -p warning` shows its warnings; a line
/// without one is logged at info.
struct PluginLogLine {
    let level: Logger.Level
    let text: Substring

    init(_ line: String) {
        let utf8 = line.utf8
        if utf8.count >= 3, utf8.first == UInt8(ascii: "<"), let digit = utf8.dropFirst().first,
            (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(digit), utf8.dropFirst(2).first == UInt8(ascii: ">")
        {
            level = Self.level(priority: Int(digit - UInt8(ascii: "0")))
            text = line.dropFirst(3)
        } else {
            level = .info
            text = Substring(line)
        }
    }

    static func level(priority: Int) -> Logger.Level {
        switch priority {
        case ...2: return .critical
        case 3: return .error
        case 4: return .warning
        case 5: return .notice
        case 6: return .info
        default: return .debug
        }
    }
}
