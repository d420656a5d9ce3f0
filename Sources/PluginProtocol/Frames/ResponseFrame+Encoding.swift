extension ResponseFrame {
    /// Appends this response as one frame line, newline included.
    public func encode(to output: inout [UInt8]) {
        output.append(contentsOf: #"{"id":"#.utf8)
        id.withUnsafeBytes { JSONWriter.appendString($0, to: &output) }
        output.append(contentsOf: #","verdict":""#.utf8)
        output.append(contentsOf: verdict.rawValue.utf8)
        output.append(UInt8(ascii: "\""))
        payload?.appendField(to: &output)
        if let reason {
            output.append(contentsOf: #","reason":"#.utf8)
            JSONWriter.appendString(reason, to: &output)
        }
        if !headers.isEmpty {
            var separator = UInt8(ascii: "{")
            output.append(contentsOf: #","headers":"#.utf8)
            for header in headers {
                output.append(separator)
                JSONWriter.appendString(header.name, to: &output)
                output.append(UInt8(ascii: ":"))
                header.value.withUnsafeBytes { JSONWriter.appendString($0, to: &output) }
                separator = UInt8(ascii: ",")
            }
            output.append(UInt8(ascii: "}"))
        }
        if let retryAfterMilliseconds {
            output.append(contentsOf: #","retry_after_ms":"#.utf8)
            JSONWriter.appendInteger(retryAfterMilliseconds, to: &output)
        }
        output.append(contentsOf: "}\n".utf8)
    }
}
