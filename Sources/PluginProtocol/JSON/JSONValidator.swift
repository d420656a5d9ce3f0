/// Checks that bytes are exactly one JSON value (RFC 8259, UTF-8) with optional white space
/// around it, without building anything. Used to decide whether a Kafka value can be
/// embedded in a request frame as JSON.
public enum JSONValidator {
    /// The deepest nesting of arrays and objects accepted as JSON. Deeper values are sent as
    /// text, so no plugin's parser is exposed to a nesting bomb.
    public static let maximumDepth = 128

    /// The outcome of validating a candidate JSON text.
    public enum Result: Equatable, Sendable {
        /// Not a single valid JSON value (or nested deeper than `maximumDepth`).
        case invalid
        /// Valid; `hasLineBreaks` tells whether it contains raw CR or LF bytes, which can
        /// only be insignificant white space and must be replaced before it goes in a line.
        case valid(hasLineBreaks: Bool)
    }

    /// Validates `bytes` as one JSON text.
    public static func validate(_ bytes: UnsafeRawBufferPointer) -> Result {
        var scanner = JSONScanner(bytes)
        scanner.skipWhitespace()
        guard scanner.skipValue(depth: 0) else { return .invalid }
        scanner.skipWhitespace()
        guard scanner.isAtEnd else { return .invalid }
        return .valid(hasLineBreaks: scanner.sawLineBreak)
    }
}
