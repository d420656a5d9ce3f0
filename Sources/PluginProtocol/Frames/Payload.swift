/// The bytes of a message value as a frame carries them.
public enum Payload: Sendable, Equatable {
    /// A JSON text (frame field `value`); the bytes are the JSON itself.
    case json([UInt8])
    /// A UTF-8 text that is not JSON (frame field `text`).
    case text([UInt8])
    /// Any other bytes (frame field `base64`).
    case binary([UInt8])

    /// The bytes the Kafka message carries for this payload.
    public var bytes: [UInt8] {
        switch self {
        case .json(let bytes), .text(let bytes), .binary(let bytes): return bytes
        }
    }

    /// Classifies raw message bytes the way a request frame does: JSON, else UTF-8 text,
    /// else binary.
    public init(classifying bytes: [UInt8]) {
        switch bytes.withUnsafeBytes({ PayloadKind(of: $0) }) {
        case .json: self = .json(bytes)
        case .text: self = .text(bytes)
        case .binary: self = .binary(bytes)
        }
    }

    /// Appends `,"value":…`, `,"text":…` or `,"base64":…` for this payload.
    public func appendField(to output: inout [UInt8]) {
        bytes.withUnsafeBytes { raw in
            PayloadKind(of: raw).appendField(raw, to: &output)
        }
    }
}
