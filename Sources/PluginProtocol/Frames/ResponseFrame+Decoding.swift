extension ResponseFrame {
    /// Decodes one response line (without its newline). Unknown members are ignored so
    /// that plugins may add fields of their own.
    public init(decoding line: UnsafeRawBufferPointer) throws(FrameError) {
        var scanner = JSONScanner(line)
        var id: [UInt8]?
        var verdict: Verdict?
        var payload: Payload?
        var reason: String?
        var headers: [Header] = []
        var retryAfter: Int64?
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
            case "value":
                guard payload == nil else { throw FrameError("more than one of value, text, base64") }
                payload = .json(try scanner.rawValue(field: "value"))
            case "text":
                guard payload == nil else { throw FrameError("more than one of value, text, base64") }
                payload = .text(try scanner.decodeString(field: "text"))
            case "base64":
                guard payload == nil else { throw FrameError("more than one of value, text, base64") }
                guard let bytes = Base64.decode(try scanner.decodeString(field: "base64")) else {
                    throw FrameError("field \"base64\": not valid base64")
                }
                payload = .binary(bytes)
            case "reason":
                if scanner.peek == UInt8(ascii: "n"), scanner.skipLiteral("null") { return }
                reason = String(decoding: try scanner.decodeString(field: "reason"), as: UTF8.self)
            case "headers":
                for member in try scanner.decodeStringObject(field: "headers") {
                    guard let value = member.value else { continue }
                    headers.append(Header(name: String(decoding: member.name, as: UTF8.self), value: value))
                }
            case "retry_after_ms":
                let delay = try scanner.decodeInteger(field: "retry_after_ms")
                guard delay >= 0 else { throw FrameError("field \"retry_after_ms\": must not be negative") }
                retryAfter = delay
            default:
                try scanner.skipUnknown(field: name)
            }
        }
        guard let id else { throw FrameError("missing field \"id\"") }
        guard let verdict else { throw FrameError("missing field \"verdict\"") }
        if verdict == .drop, payload != nil { throw FrameError("verdict drop carries no value, text or base64") }
        self.init(
            id: id, verdict: verdict, payload: payload, reason: reason, headers: headers,
            retryAfterMilliseconds: retryAfter)
    }
}
