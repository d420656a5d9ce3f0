extension JSONScanner {
    /// Scans a JSON string at the cursor. When `decoding`, appends its unescaped UTF-8
    /// bytes to `output`; otherwise only validates.
    mutating func scanString(decoding: Bool, into output: inout [UInt8]) -> Bool {
        guard peek == UInt8(ascii: "\"") else { return false }
        index += 1
        var runStart = index
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                if decoding { output.append(contentsOf: bytes[runStart..<index]) }
                index += 1
                return true
            case UInt8(ascii: "\\"):
                if decoding { output.append(contentsOf: bytes[runStart..<index]) }
                index += 1
                guard scanEscape(decoding: decoding, into: &output) else { return false }
                runStart = index
            case 0..<0x20:
                return false  // raw control characters are not allowed in strings
            case 0x20..<0x80:
                index += 1
            default:
                guard let next = UTF8Validation.endOfMultibyteScalar(bytes, at: index) else { return false }
                index = next
            }
        }
        return false
    }

    /// Scans the escape after a backslash.
    private mutating func scanEscape(decoding: Bool, into output: inout [UInt8]) -> Bool {
        guard let escape = peek else { return false }
        index += 1
        let simple: UInt8
        switch escape {
        case UInt8(ascii: "\""): simple = 0x22
        case UInt8(ascii: "\\"): simple = 0x5C
        case UInt8(ascii: "/"): simple = 0x2F
        case UInt8(ascii: "b"): simple = 0x08
        case UInt8(ascii: "f"): simple = 0x0C
        case UInt8(ascii: "n"): simple = 0x0A
        case UInt8(ascii: "r"): simple = 0x0D
        case UInt8(ascii: "t"): simple = 0x09
        case UInt8(ascii: "u"):
            guard var scalar = scanHex4() else { return false }
            if (0xD800..<0xDC00).contains(scalar) {
                // A high surrogate must be followed by an escaped low surrogate.
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
                    bytes[index + 1] == UInt8(ascii: "u")
                else { return false }
                index += 2
                guard let low = scanHex4(), (0xDC00..<0xE000).contains(low) else { return false }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00..<0xE000).contains(scalar) {
                return false  // a lone low surrogate
            }
            if decoding, let unicode = Unicode.Scalar(scalar) {
                output.append(contentsOf: UTF8.encode(unicode)!)
            }
            return true
        default:
            return false
        }
        if decoding { output.append(simple) }
        return true
    }

    private mutating func scanHex4() -> UInt32? {
        guard index + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }
}
