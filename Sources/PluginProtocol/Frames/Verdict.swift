/// A plugin's decision about one message, which picks the output topic.
public enum Verdict: String, Sendable, CaseIterable {
    /// Processed: the (possibly replaced) message goes to the success topic.
    case success
    /// Failed for now (a dependency was down): the message goes to the transient-failure
    /// topic to be retried later.
    case transient
    /// Can never succeed (invalid data): the message goes to the permanent-failure topic.
    case permanent
    /// Processed, with nothing to write (a filter that discards it): the message is
    /// finished without an output, and its offset is committed like any other's.
    case drop
}
