/// What a Swift plugin's handler returns for one request; the kit adds the request id.
public struct PluginAnswer: Sendable {
    /// The verdict.
    public var verdict: Verdict
    /// A replacement value (success only); nil forwards the original bytes.
    public var payload: Payload?
    /// Why; shown in failure headers.
    public var reason: String?
    /// Headers to add to the output.
    public var headers: [ResponseFrame.Header]
    /// Requested retry delay for a transient verdict.
    public var retryAfterMilliseconds: Int64?

    /// Success, optionally with a replacement value and headers to add.
    public static func success(_ payload: Payload? = nil, headers: [ResponseFrame.Header] = []) -> PluginAnswer {
        PluginAnswer(verdict: .success, payload: payload, reason: nil, headers: headers)
    }

    /// A transient failure: retry later, optionally after a requested delay.
    public static func transient(_ reason: String, retryAfterMilliseconds: Int64? = nil) -> PluginAnswer {
        PluginAnswer(
            verdict: .transient, payload: nil, reason: reason, headers: [],
            retryAfterMilliseconds: retryAfterMilliseconds)
    }

    /// A permanent failure: dead-letter the message.
    public static func permanent(_ reason: String) -> PluginAnswer {
        PluginAnswer(verdict: .permanent, payload: nil, reason: reason, headers: [])
    }

    /// The response frame for the request with `id`.
    public func response(to id: [UInt8]) -> ResponseFrame {
        ResponseFrame(
            id: id, verdict: verdict, payload: payload, reason: reason, headers: headers,
            retryAfterMilliseconds: retryAfterMilliseconds)
    }
}
