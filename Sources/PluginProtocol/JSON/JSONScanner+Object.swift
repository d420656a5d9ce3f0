extension JSONScanner {
    /// Walks the members of the object at the cursor. For each member, `body` gets the
    /// member's name (decoded) with the cursor on its value, and must consume that value.
    public mutating func forEachMember(
        _ body: (_ name: UnsafeRawBufferPointer, _ scanner: inout JSONScanner) throws(FrameError) -> Void
    ) throws(FrameError) {
        guard consume(UInt8(ascii: "{")) else { throw FrameError("not a JSON object") }
        if consume(UInt8(ascii: "}")) { return }
        repeat {
            skipWhitespace()
            // Names are nearly always plain: they are passed in place, without a copy.
            let plain = unescapedString()
            let decoded = plain == nil ? decodeString() : nil
            guard plain != nil || decoded != nil else { throw FrameError("invalid member name") }
            guard consume(UInt8(ascii: ":")) else { throw FrameError("expected ':' after a member name") }
            skipWhitespace()
            if let plain {
                try body(plain, &self)
            } else if let decoded {
                // An escaped name: its decoded bytes in a buffer of their own (Array's
                // withUnsafeBytes cannot pass on a typed error).
                let name = UnsafeMutableRawBufferPointer.allocate(byteCount: decoded.count, alignment: 1)
                defer { name.deallocate() }
                name.copyBytes(from: decoded)
                try body(UnsafeRawBufferPointer(name), &self)
            }
        } while consume(UInt8(ascii: ","))
        guard consume(UInt8(ascii: "}")) else { throw FrameError("expected ',' or '}' in an object") }
    }

    /// Walks a whole frame: one object and nothing after it but white space.
    public mutating func forEachMemberOfFrame(
        _ body: (_ name: UnsafeRawBufferPointer, _ scanner: inout JSONScanner) throws(FrameError) -> Void
    ) throws(FrameError) {
        try forEachMember(body)
        skipWhitespace()
        guard isAtEnd else { throw FrameError("unexpected bytes after the JSON object") }
    }

    /// Decodes a string value for the member `field`, or throws naming it.
    public mutating func decodeString(field: String) throws(FrameError) -> [UInt8] {
        guard let value = decodeString() else { throw FrameError("field \"\(field)\": expected a string") }
        return value
    }

    /// Decodes an integer value for the member `field`, or throws naming it.
    public mutating func decodeInteger(field: String) throws(FrameError) -> Int64 {
        guard let value = decodeInteger() else { throw FrameError("field \"\(field)\": expected an integer") }
        return value
    }

    /// Skips any JSON value and returns its bytes, or throws naming `field`.
    public mutating func rawValue(field: String) throws(FrameError) -> [UInt8] {
        skipWhitespace()
        let start = index
        guard skipValue(depth: 0) else { throw FrameError("field \"\(field)\": invalid JSON value") }
        return Array(bytes[start..<index])
    }

    /// Decodes an object whose members are all strings (or null, kept as nil).
    public mutating func decodeStringObject(field: String) throws(FrameError) -> [(name: [UInt8], value: [UInt8]?)] {
        var members: [(name: [UInt8], value: [UInt8]?)] = []
        try forEachMember { name, scanner throws(FrameError) in
            if scanner.peek == UInt8(ascii: "n") {
                guard scanner.skipLiteral("null") else { throw FrameError("field \"\(field)\": invalid value") }
                members.append((Array(name), nil))
            } else {
                members.append((Array(name), try scanner.decodeString(field: field)))
            }
        }
        return members
    }

    /// Skips the value of a member nobody asked for, so newer frames stay readable.
    public mutating func skipUnknown(field: UnsafeRawBufferPointer) throws(FrameError) {
        guard skipValue(depth: 0) else {
            throw FrameError("field \"\(String(decoding: field, as: UTF8.self))\": invalid JSON value")
        }
    }
}

extension JSONScanner {
    /// Walks the elements of the array at the cursor (for member `field`); `body` must
    /// consume each element.
    public mutating func forEachElement(
        field: String, _ body: (_ scanner: inout JSONScanner) throws(FrameError) -> Void
    ) throws(FrameError) {
        guard consume(UInt8(ascii: "[")) else { throw FrameError("field \"\(field)\": expected an array") }
        if consume(UInt8(ascii: "]")) { return }
        repeat {
            skipWhitespace()
            try body(&self)
        } while consume(UInt8(ascii: ","))
        guard consume(UInt8(ascii: "]")) else { throw FrameError("field \"\(field)\": expected ',' or ']' in the array") }
    }
}
