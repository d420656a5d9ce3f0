/// Writes request frames (daemon to plugin) straight into a byte buffer, field by field,
/// from borrowed message bytes: a valid JSON value is embedded as it is, and only what JSON
/// requires is escaped. Call `begin`, then optionally `appendKey` and `appendHeaders`,
/// then `end`.
public enum RequestFrameWriter {
    /// Appends `{"id":"…"` and of `,"topic":…,"partition":…,"offset":…,"timestamp":…,"attempt":…`
    /// those `fields` holds (the timestamp is read only when it is written).
    public static func begin(
        id: UInt64, topic: String, partition: Int32, offset: Int64, timestamp: @autoclosure () -> Int64, attempt: Int,
        fields: RequestFields = .all, to output: inout [UInt8]
    ) {
        output.append(contentsOf: #"{"id":""#.utf8)
        JSONWriter.appendInteger(id, to: &output)
        output.append(UInt8(ascii: "\""))
        if fields.contains(.topic) {
            output.append(contentsOf: #","topic":"#.utf8)
            JSONWriter.appendString(topic, to: &output)
        }
        if fields.contains(.partition) {
            output.append(contentsOf: #","partition":"#.utf8)
            JSONWriter.appendInteger(partition, to: &output)
        }
        if fields.contains(.offset) {
            output.append(contentsOf: #","offset":"#.utf8)
            JSONWriter.appendInteger(offset, to: &output)
        }
        if fields.contains(.timestamp) {
            output.append(contentsOf: #","timestamp":"#.utf8)
            JSONWriter.appendInteger(timestamp(), to: &output)
        }
        if fields.contains(.attempt) {
            output.append(contentsOf: #","attempt":"#.utf8)
            JSONWriter.appendInteger(attempt, to: &output)
        }
    }

    /// Appends `,"key":"…"` for a UTF-8 key or `,"key_base64":"…"` for any other.
    public static func appendKey(_ key: UnsafeRawBufferPointer, to output: inout [UInt8]) {
        if UTF8Validation.isValid(key) {
            output.append(contentsOf: #","key":"#.utf8)
            JSONWriter.appendString(key, to: &output)
        } else {
            output.append(contentsOf: #","key_base64":""#.utf8)
            Base64.encode(key, to: &output)
            output.append(UInt8(ascii: "\""))
        }
    }

    /// Appends `,"headers":{…}` (UTF-8 values, null for a null value) and, when some value is
    /// not UTF-8, `,"headers_base64":{…}`. Headers whose name is not UTF-8 are left out of the
    /// frame (they still travel on every output). `forEachHeader` calls its argument once per
    /// header, in order.
    public static func appendHeaders(
        _ forEachHeader: ((UnsafeRawBufferPointer, UnsafeRawBufferPointer?) -> Void) -> Void,
        to output: inout [UInt8]
    ) {
        var binaryHeaders: [UInt8] = []
        var separator = UInt8(ascii: "{")
        output.append(contentsOf: #","headers":"#.utf8)
        forEachHeader { name, value in
            guard UTF8Validation.isValid(name) else { return }
            guard let value else {
                output.append(separator)
                JSONWriter.appendString(name, to: &output)
                output.append(contentsOf: ":null".utf8)
                separator = UInt8(ascii: ",")
                return
            }
            if UTF8Validation.isValid(value) {
                output.append(separator)
                JSONWriter.appendString(name, to: &output)
                output.append(UInt8(ascii: ":"))
                JSONWriter.appendString(value, to: &output)
                separator = UInt8(ascii: ",")
            } else {
                binaryHeaders.append(binaryHeaders.isEmpty ? UInt8(ascii: "{") : UInt8(ascii: ","))
                JSONWriter.appendString(name, to: &binaryHeaders)
                binaryHeaders.append(contentsOf: #":""#.utf8)
                Base64.encode(value, to: &binaryHeaders)
                binaryHeaders.append(UInt8(ascii: "\""))
            }
        }
        if separator == UInt8(ascii: "{") { output.append(separator) }
        output.append(UInt8(ascii: "}"))
        if !binaryHeaders.isEmpty {
            output.append(contentsOf: #","headers_base64":"#.utf8)
            output.append(contentsOf: binaryHeaders)
            output.append(UInt8(ascii: "}"))
        }
    }

    /// Appends the payload field for `value` (none for a null value) and closes the frame
    /// with `}` and a newline.
    public static func end(value: UnsafeRawBufferPointer?, to output: inout [UInt8]) {
        if let value {
            PayloadKind(of: value).appendField(value, to: &output)
        }
        output.append(contentsOf: "}\n".utf8)
    }
}
