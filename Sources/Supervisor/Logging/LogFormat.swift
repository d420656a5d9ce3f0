/// How sluiced writes its log lines to stderr.
public enum LogFormat: String, Sendable, CaseIterable {
    /// `console` when stderr is a terminal, else `logfmt`.
    case auto
    /// `ts=… level=info msg="…" worker=2`: one line per event, for journald, Loki or any
    /// logfmt parser.
    case logfmt
    /// One JSON object per line.
    case json
    /// For a person at a terminal: local time, level, message, then the fields, values as
    /// they are (a JSON value unescaped), in colour when the terminal has it.
    case console
}
