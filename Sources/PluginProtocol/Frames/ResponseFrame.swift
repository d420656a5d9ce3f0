/// A plugin's answer to one request: `{"id":…,"verdict":…}` plus optional fields.
public struct ResponseFrame: Sendable, Equatable {
    /// The id of the request this answers, as the request carried it.
    public var id: [UInt8]
    /// The plugin's decision.
    public var verdict: Verdict
    /// A replacement value for the success output; nil forwards the original bytes.
    public var payload: Payload?
    /// Why the plugin decided so; travels as a header on failure outputs.
    public var reason: String?
    /// Headers to add to the output message (name, value).
    public var headers: [Header]
    /// A transient verdict's requested delay before the retry, in milliseconds.
    public var retryAfterMilliseconds: Int64?

    /// A header to add to the output, as a name and its UTF-8 value bytes.
    public struct Header: Sendable, Equatable {
        /// The header name.
        public var name: String
        /// The header value bytes.
        public var value: [UInt8]

        /// Creates a header.
        public init(name: String, value: [UInt8]) {
            self.name = name
            self.value = value
        }
    }

    /// Creates a response.
    public init(
        id: [UInt8], verdict: Verdict, payload: Payload? = nil, reason: String? = nil,
        headers: [Header] = [], retryAfterMilliseconds: Int64? = nil
    ) {
        self.id = id
        self.verdict = verdict
        self.payload = payload
        self.reason = reason
        self.headers = headers
        self.retryAfterMilliseconds = retryAfterMilliseconds
    }
}
