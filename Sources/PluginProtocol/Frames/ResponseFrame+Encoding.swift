extension ResponseFrame {
    /// Appends this response as one frame line, newline included.
    public func encode(to output: inout [UInt8]) {
        output.append(contentsOf: #"{"id":"#.utf8)
        id.withUnsafeBytes { JSONWriter.appendString($0, to: &output) }
        output.append(contentsOf: #","verdict":""#.utf8)
        output.append(contentsOf: verdict.rawValue.utf8)
        output.append(UInt8(ascii: "\""))
        Self.appendOutputFields(payload: payload, key: key, headers: headers, to: &output)
        if let reason {
            output.append(contentsOf: #","reason":"#.utf8)
            JSONWriter.appendString(reason, to: &output)
        }
        if let retryAfterMilliseconds {
            output.append(contentsOf: #","retry_after_ms":"#.utf8)
            JSONWriter.appendInteger(retryAfterMilliseconds, to: &output)
        }
        if let outputs {
            var separator = UInt8(ascii: "[")
            output.append(contentsOf: #","outputs":"#.utf8)
            for item in outputs {
                output.append(separator)
                output.append(UInt8(ascii: "{"))
                let members = output.count
                Self.appendOutputFields(payload: item.payload, key: item.key, headers: item.headers, to: &output)
                if output.count > members { output.remove(at: members) }  // the first member's leading comma
                output.append(UInt8(ascii: "}"))
                separator = UInt8(ascii: ",")
            }
            if separator == UInt8(ascii: "[") { output.append(separator) }
            output.append(UInt8(ascii: "]"))
        }
        output.append(contentsOf: "}\n".utf8)
    }

    /// Appends `,"value"|"text"|"base64":…`, `,"key"|"key_base64":…` and `,"headers":{…}`
    /// for what is there.
    private static func appendOutputFields(payload: Payload?, key: Key, headers: [Header], to output: inout [UInt8]) {
        payload?.appendField(to: &output)
        switch key {
        case .input: break
        case .null: output.append(contentsOf: #","key":null"#.utf8)
        case .bytes(let bytes): bytes.withUnsafeBytes { RequestFrameWriter.appendKey($0, to: &output) }
        }
        guard !headers.isEmpty else { return }
        var separator = UInt8(ascii: "{")
        output.append(contentsOf: #","headers":"#.utf8)
        for header in headers {
            output.append(separator)
            JSONWriter.appendString(header.name, to: &output)
            output.append(UInt8(ascii: ":"))
            if let value = header.value {
                value.withUnsafeBytes { JSONWriter.appendString($0, to: &output) }
            } else {
                output.append(contentsOf: "null".utf8)
            }
            separator = UInt8(ascii: ",")
        }
        output.append(UInt8(ascii: "}"))
    }
}
