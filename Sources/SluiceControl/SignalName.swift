import Glibc

/// The signals `sluicectl signal` sends to plugins, by the names kill(1) takes.
public enum SignalName {
    static let numbers: [(name: String, number: Int32)] = [
        ("HUP", SIGHUP), ("INT", SIGINT), ("QUIT", SIGQUIT), ("KILL", SIGKILL), ("USR1", SIGUSR1), ("USR2", SIGUSR2),
        ("ALRM", SIGALRM), ("TERM", SIGTERM), ("CONT", SIGCONT), ("STOP", SIGSTOP), ("WINCH", SIGWINCH),
    ]

    /// The canonical name (`HUP`) of `text`: a name with or without `SIG`, in any case, or a
    /// number; nil for no signal this list has.
    public static func canonical(_ text: String) -> String? {
        let upper = text.uppercased()
        let bare = upper.hasPrefix("SIG") ? String(upper.dropFirst(3)) : upper
        if let number = Int32(bare) { return numbers.first { $0.number == number }?.name }
        return numbers.first { $0.name == bare }?.name
    }

    /// The number of a canonical name.
    public static func number(_ name: String) -> Int32? {
        numbers.first { $0.name == name }?.number
    }

    /// The names, for messages: `HUP, INT, …`.
    public static var known: String { numbers.map(\.name).joined(separator: ", ") }
}
