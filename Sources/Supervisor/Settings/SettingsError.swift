/// A setting that is missing or malformed; the message is the one line printed at start-up.
public struct SettingsError: Error, Sendable, CustomStringConvertible {
    /// Names the setting and what is wrong with it.
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
