/// A plugin's answer to one request: `{"id":…,"verdict":…}` plus optional fields.
public struct ResponseFrame: Sendable, Equatable {
    /// The id of the request this answers, as the request carried it.
    public var id: [UInt8]
    /// The plugin's decision.
    public var verdict: Verdict
    /// A replacement value for the success output; nil forwards the original bytes.
    public var payload: Payload?
    /// The key of the single output (protocol 1.1); `.input` keeps the input's.
    public var key: Key
    /// Why the plugin decided so; travels as a header on failure outputs.
    public var reason: String?
    /// Headers merged over the input's on the output (a nil value removes one).
    public var headers: [Header]
    /// A transient verdict's requested delay before the retry, in milliseconds.
    public var retryAfterMilliseconds: Int64?
    /// A success's outputs in place of the single one (protocol 1.1), written in order;
    /// nil for the single-output answer. Never empty: an empty list decodes as `drop`.
    public var outputs: [Output]?

    /// A header to set on an output, as a name and its UTF-8 value bytes; a nil value
    /// removes the input's header of that name.
    public struct Header: Sendable, Equatable {
        /// The header name.
        public var name: String
        /// The header value bytes; nil removes the header.
        public var value: [UInt8]?

        /// Creates a header.
        public init(name: String, value: [UInt8]?) {
            self.name = name
            self.value = value
        }
    }

    /// Which key an output carries.
    public enum Key: Sendable, Equatable {
        /// The input message's key (the default).
        case input
        /// No key (`"key":null`).
        case null
        /// These bytes (`"key"` as UTF-8, or `"key_base64"`).
        case bytes([UInt8])
    }

    /// One message of a fan-out answer (`outputs`), written to the success topic.
    public struct Output: Sendable, Equatable {
        /// The value; nil writes a null value.
        public var payload: Payload?
        /// The key; `.input` keeps the input's.
        public var key: Key
        /// Headers merged over the input's (a nil value removes one).
        public var headers: [Header]

        /// Creates an output.
        public init(payload: Payload?, key: Key = .input, headers: [Header] = []) {
            self.payload = payload
            self.key = key
            self.headers = headers
        }
    }

    /// Creates a response.
    public init(
        id: [UInt8], verdict: Verdict, payload: Payload? = nil, key: Key = .input, reason: String? = nil,
        headers: [Header] = [], retryAfterMilliseconds: Int64? = nil, outputs: [Output]? = nil
    ) {
        self.id = id
        self.verdict = verdict
        self.payload = payload
        self.key = key
        self.reason = reason
        self.headers = headers
        self.retryAfterMilliseconds = retryAfterMilliseconds
        self.outputs = outputs
    }
}
