extension ResponseFrame {
    /// Decodes one response line (without its newline). Unknown members are ignored so
    /// that plugins may add fields of their own.
    public init(decoding line: UnsafeRawBufferPointer) throws(FrameError) {
        var scanner = JSONScanner(line)
        var id: [UInt8]?
        var verdict: Verdict?
        var fields = OutputFields()
        var reason: String?
        var retryAfter: Int64?
        var outputs: [Output]?
        try scanner.forEachMemberOfFrame { name, scanner throws(FrameError) in
            switch String(decoding: name, as: UTF8.self) {
            case "id":
                id = try scanner.decodeString(field: "id")
            case "verdict":
                let word: String
                if let plain = scanner.unescapedString() {
                    word = String(decoding: plain, as: UTF8.self)
                } else {
                    word = String(decoding: try scanner.decodeString(field: "verdict"), as: UTF8.self)
                }
                guard let known = Verdict(rawValue: word) else {
                    throw FrameError("field \"verdict\": unknown value \"\(word.prefix(40))\"")
                }
                verdict = known
            case "reason":
                if scanner.peek == UInt8(ascii: "n"), scanner.skipLiteral("null") { return }
                reason = String(decoding: try scanner.decodeString(field: "reason"), as: UTF8.self)
            case "retry_after_ms":
                let delay = try scanner.decodeInteger(field: "retry_after_ms")
                guard delay >= 0 else { throw FrameError("field \"retry_after_ms\": must not be negative") }
                retryAfter = delay
            case "outputs":
                outputs = try Self.decodeOutputs(&scanner)
            case let member:
                if try !fields.decode(member, &scanner) { try scanner.skipUnknown(field: name) }
            }
        }
        guard let id else { throw FrameError("missing field \"id\"") }
        guard var verdict else { throw FrameError("missing field \"verdict\"") }
        if let list = outputs {
            guard verdict == .success else { throw FrameError("field \"outputs\": only with verdict success") }
            guard fields.isEmpty else {
                throw FrameError("field \"outputs\": each output carries its own value, key and headers, so the answer has none of them")
            }
            if list.isEmpty {
                verdict = .drop  // nothing to write: the same as a drop
                outputs = nil
            }
        }
        if verdict == .drop, !fields.isEmpty { throw FrameError("verdict drop carries no value, text, base64, key or headers") }
        self.init(
            id: id, verdict: verdict, payload: fields.payload, key: fields.key, reason: reason, headers: fields.headers,
            retryAfterMilliseconds: retryAfter, outputs: outputs)
    }

    /// The `id` of a response line cut short at the frame limit, when it is the line's
    /// first member: enough to tell which request an answer too long was for.
    public static func leadingID(of prefix: UnsafeRawBufferPointer) -> [UInt8]? {
        var scanner = JSONScanner(prefix)
        guard scanner.consume(UInt8(ascii: "{")) else { return nil }
        scanner.skipWhitespace()
        guard let name = scanner.unescapedString(), name.elementsEqual("id".utf8), scanner.consume(UInt8(ascii: ":")) else {
            return nil
        }
        scanner.skipWhitespace()
        return scanner.decodeString()
    }

    /// Decodes the array of `outputs`; an error names the element it is in.
    private static func decodeOutputs(_ scanner: inout JSONScanner) throws(FrameError) -> [Output] {
        var outputs: [Output] = []
        try scanner.forEachElement(field: "outputs") { scanner throws(FrameError) in
            var fields = OutputFields()
            do throws(FrameError) {
                try scanner.forEachMember { name, scanner throws(FrameError) in
                    if try !fields.decode(String(decoding: name, as: UTF8.self), &scanner) {
                        try scanner.skipUnknown(field: name)
                    }
                }
            } catch {
                throw FrameError("outputs[\(outputs.count)]: \(error.message)")
            }
            outputs.append(Output(payload: fields.payload, key: fields.key, headers: fields.headers))
        }
        return outputs
    }
}

/// The members that describe one output, at the top of a single-output answer or in each
/// element of `outputs`: `value` | `text` | `base64`, `key` | `key_base64`, `headers`.
struct OutputFields {
    var payload: Payload?
    var key: ResponseFrame.Key = .input
    var headers: [ResponseFrame.Header] = []
    private var hasKey = false
    private var hasHeaders = false

    /// Whether none of the members was present.
    var isEmpty: Bool { payload == nil && !hasKey && !hasHeaders }

    /// Decodes the member `name` when it is one of these; false (nothing consumed) when not.
    mutating func decode(_ name: String, _ scanner: inout JSONScanner) throws(FrameError) -> Bool {
        switch name {
        case "value":
            guard payload == nil else { throw FrameError("more than one of value, text, base64") }
            payload = .json(try scanner.rawValue(field: "value"))
        case "text":
            guard payload == nil else { throw FrameError("more than one of value, text, base64") }
            payload = .text(try scanner.decodeString(field: "text"))
        case "base64":
            guard payload == nil else { throw FrameError("more than one of value, text, base64") }
            payload = .binary(try Self.decodeBase64(&scanner, field: "base64"))
        case "key":
            guard !hasKey else { throw FrameError("more than one of key, key_base64") }
            hasKey = true
            if scanner.peek == UInt8(ascii: "n"), scanner.skipLiteral("null") {
                key = .null
            } else {
                key = .bytes(try scanner.decodeString(field: "key"))
            }
        case "key_base64":
            guard !hasKey else { throw FrameError("more than one of key, key_base64") }
            hasKey = true
            key = .bytes(try Self.decodeBase64(&scanner, field: "key_base64"))
        case "headers":
            hasHeaders = true
            for member in try scanner.decodeStringObject(field: "headers") {
                headers.append(ResponseFrame.Header(name: String(decoding: member.name, as: UTF8.self), value: member.value))
            }
        default:
            return false
        }
        return true
    }

    private static func decodeBase64(_ scanner: inout JSONScanner, field: String) throws(FrameError) -> [UInt8] {
        guard let bytes = Base64.decode(try scanner.decodeString(field: field)) else {
            throw FrameError("field \"\(field)\": not valid base64")
        }
        return bytes
    }
}
