/// What a Swift plugin's handler returns for one request; the kit adds the request id.
public struct PluginAnswer: Sendable {
    /// The verdict.
    public var verdict: Verdict
    /// A replacement value (success only); nil forwards the original bytes.
    public var payload: Payload?
    /// The output's key (success only); `.input` keeps the input's.
    public var key: ResponseFrame.Key = .input
    /// Why; shown in failure headers.
    public var reason: String?
    /// Headers merged over the input's on the output (a nil value removes one).
    public var headers: [ResponseFrame.Header]
    /// Requested retry delay for a transient verdict.
    public var retryAfterMilliseconds: Int64?
    /// A fan-out's outputs (success only), in place of the single output.
    public var outputs: [ResponseFrame.Output]?

    /// Success, optionally with a replacement value, a new key and headers to set.
    public static func success(
        _ payload: Payload? = nil, key: ResponseFrame.Key = .input, headers: [ResponseFrame.Header] = []
    ) -> PluginAnswer {
        PluginAnswer(verdict: .success, payload: payload, key: key, reason: nil, headers: headers)
    }

    /// Success with these outputs, written in order (protocol 1.1); none is a drop.
    public static func outputs(_ outputs: [ResponseFrame.Output]) -> PluginAnswer {
        PluginAnswer(verdict: .success, payload: nil, reason: nil, headers: [], outputs: outputs)
    }

    /// Finished with nothing to write (protocol 1.1): a filter discarding the message.
    public static let drop = PluginAnswer(verdict: .drop, payload: nil, reason: nil, headers: [])

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
            id: id, verdict: verdict, payload: payload, key: key, reason: reason, headers: headers,
            retryAfterMilliseconds: retryAfterMilliseconds, outputs: outputs)
    }
}
