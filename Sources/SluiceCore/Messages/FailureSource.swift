/// What decided that a message failed; travels in the `sluice.source` header.
package enum FailureSource: String, CaseIterable {
    /// The plugin answered transient or permanent.
    case plugin
    /// The plugin did not answer within the message timeout, repeatedly.
    case timeout
    /// The plugin crashed while processing the message, repeatedly.
    case crash
    /// The plugin kept answering it with invalid responses.
    case protocolError = "protocol-error"
    /// Transient failures reached the maximum number of attempts.
    case retriesExhausted = "retries-exhausted"
    /// The value is larger than a frame may be, or the plugin's answer is.
    case tooLarge = "too-large"
    /// The plugin answered with more outputs than `--max-outputs`.
    case tooManyOutputs = "too-many-outputs"
    /// The broker refused the output.
    case unproducible
    /// The plugin's protocol cannot carry the value (`lines`: a newline, not UTF-8, null).
    case unsupportedValue = "unsupported-value"
}
