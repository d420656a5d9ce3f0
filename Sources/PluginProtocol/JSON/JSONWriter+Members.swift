extension JSONWriter {
    /// A JSON object with one more string member at its end, made by editing the bytes
    /// rather than decoding and re-encoding the object: the cheap way for a plugin to
    /// enrich a value. nil when `object` is not a JSON object. A name the object already
    /// has then appears twice; JSON parsers keep the last.
    public static func object(_ object: [UInt8], adding name: String, _ value: String) -> [UInt8]? {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }
        guard let open = object.firstIndex(where: { !isSpace($0) }), object[open] == UInt8(ascii: "{"),
            let close = object.lastIndex(where: { !isSpace($0) }), close > open, object[close] == UInt8(ascii: "}")
        else { return nil }
        let isEmpty = object[(open + 1)..<close].allSatisfy(isSpace)
        var result = Array(object[...open])
        result.reserveCapacity(object.count + name.utf8.count + value.utf8.count + 8)
        if !isEmpty {
            result.append(contentsOf: object[(open + 1)..<close])
            result.append(UInt8(ascii: ","))
        }
        appendString(name, to: &result)
        result.append(UInt8(ascii: ":"))
        appendString(value, to: &result)
        result.append(UInt8(ascii: "}"))
        return result
    }
}
