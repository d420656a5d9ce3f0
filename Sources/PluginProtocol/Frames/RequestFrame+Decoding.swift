extension RequestFrame {
    /// Decodes one request line (without its newline), as a plugin does.
    public init(decoding line: UnsafeRawBufferPointer) throws(FrameError) {
        var scanner = JSONScanner(line)
        var id: [UInt8]?
        var topic = ""
        var partition: Int64 = 0
        var offset: Int64 = 0
        var timestamp: Int64 = 0
        var attempt: Int64 = 1
        var key: [UInt8]?
        var headers: [(name: String, value: [UInt8]?)] = []
        var payload: Payload?
        try scanner.forEachMemberOfFrame { name, scanner throws(FrameError) in
            switch String(decoding: name, as: UTF8.self) {
            case "id": id = try scanner.decodeString(field: "id")
            case "topic": topic = String(decoding: try scanner.decodeString(field: "topic"), as: UTF8.self)
            case "partition": partition = try scanner.decodeInteger(field: "partition")
            case "offset": offset = try scanner.decodeInteger(field: "offset")
            case "timestamp": timestamp = try scanner.decodeInteger(field: "timestamp")
            case "attempt": attempt = try scanner.decodeInteger(field: "attempt")
            case "key": key = try scanner.decodeString(field: "key")
            case "key_base64":
                key = Base64.decode(try scanner.decodeString(field: "key_base64"))
            case "headers":
                headers += try scanner.decodeStringObject(field: "headers").map {
                    (String(decoding: $0.name, as: UTF8.self), $0.value)
                }
            case "headers_base64":
                headers += try scanner.decodeStringObject(field: "headers_base64").map {
                    (String(decoding: $0.name, as: UTF8.self), $0.value.flatMap(Base64.decode))
                }
            case "value": payload = .json(try scanner.rawValue(field: "value"))
            case "text": payload = .text(try scanner.decodeString(field: "text"))
            case "base64":
                guard let bytes = Base64.decode(try scanner.decodeString(field: "base64")) else {
                    throw FrameError("field \"base64\": not valid base64")
                }
                payload = .binary(bytes)
            default: try scanner.skipUnknown(field: name)
            }
        }
        guard let id else { throw FrameError("missing field \"id\"") }
        guard let partition32 = Int32(exactly: partition), let attemptInt = Int(exactly: attempt) else {
            throw FrameError("partition or attempt out of range")
        }
        self.init(
            id: id, topic: topic, partition: partition32, offset: offset, timestamp: timestamp,
            attempt: attemptInt, key: key, headers: headers, payload: payload)
    }
}
