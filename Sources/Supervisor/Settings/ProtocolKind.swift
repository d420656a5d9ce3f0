/// How sluiced talks to its plugins.
public enum ProtocolKind: String, Sendable, CaseIterable {
    /// JSON lines with ids, verdicts, headers (docs/PROTOCOL.md).
    case json
    /// The value on a line in, the new value (or `!transient`/`!permanent`) on a line out.
    case lines
    /// One process per message: the value on stdin, the new value on stdout, the verdict
    /// in the exit status (0 success, 75 transient, other permanent).
    case exec
    /// The original demo's plugin containers: each instance does its own Kafka I/O with
    /// the demo's variables; sluiced only supervises the instances.
    case kafkaNative = "kafka-native"
}
