/// How sluiced writes its log lines to stderr.
public enum LogFormat: String, Sendable, CaseIterable {
    /// `ts=… level=info msg="…" worker=2`: one line per event, for people and for
    /// journald, Loki or any logfmt parser.
    case logfmt
    /// One JSON object per line.
    case json
}
