import Glibc

/// Where stderr goes, which decides how a line is written: the journal wants a priority
/// prefix (`<3>`), a terminal wants lines for a person.
public enum LogDestination: Equatable, Sendable {
    /// systemd's journal: `$JOURNAL_STREAM` names this very stream (device:inode), as
    /// systemd.exec(5) says to check, so a stderr redirected elsewhere is not taken for it.
    case journal
    /// A terminal; `colors` unless `NO_COLOR` is set or `TERM` is dumb.
    case terminal(colors: Bool)
    /// A pipe or a file.
    case other

    public static func of(fd: Int32, environment: [String: String]) -> LogDestination {
        if let stream = environment["JOURNAL_STREAM"], Self.stream(fd) == stream { return .journal }
        guard isatty(fd) == 1 else { return .other }
        let colors = environment["NO_COLOR"].map(\.isEmpty) ?? true && environment["TERM"] != "dumb"
        return .terminal(colors: colors)
    }

    /// `device:inode` of `fd`, as systemd writes them in `$JOURNAL_STREAM`.
    static func stream(_ fd: Int32) -> String? {
        var status = stat()
        guard fstat(fd, &status) == 0 else { return nil }
        return "\(status.st_dev):\(status.st_ino)"
    }
}
