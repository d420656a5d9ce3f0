/// How a value travels in a frame, decided once per message from its bytes.
public enum PayloadKind: Sendable, Equatable {
    /// Valid JSON; `hasLineBreaks` when raw CR/LF white space must be flattened.
    case json(hasLineBreaks: Bool)
    /// Valid UTF-8 that is not JSON.
    case text
    /// Anything else.
    case binary

    /// Classifies `bytes`.
    public init(of bytes: UnsafeRawBufferPointer) {
        if case .valid(let hasLineBreaks) = JSONValidator.validate(bytes) {
            self = .json(hasLineBreaks: hasLineBreaks)
        } else if UTF8Validation.isValid(bytes) {
            self = .text
        } else {
            self = .binary
        }
    }

    /// Appends the payload field for `bytes` (which this kind was computed from).
    public func appendField(_ bytes: UnsafeRawBufferPointer, to output: inout [UInt8]) {
        switch self {
        case .json(let hasLineBreaks):
            output.append(contentsOf: #","value":"#.utf8)
            if hasLineBreaks {
                JSONWriter.appendJSONOnOneLine(bytes, to: &output)
            } else {
                output.append(contentsOf: bytes)
            }
        case .text:
            output.append(contentsOf: #","text":"#.utf8)
            JSONWriter.appendString(bytes, to: &output)
        case .binary:
            output.append(contentsOf: #","base64":""#.utf8)
            Base64.encode(bytes, to: &output)
            output.append(UInt8(ascii: "\""))
        }
    }
}
