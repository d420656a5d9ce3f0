/// Why a frame could not be decoded. The message names the problem for a log line.
public struct FrameError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A one-line explanation, e.g. `field "verdict": unknown value "maybe"`.
    public var message: String

    /// Creates an error with its explanation.
    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
