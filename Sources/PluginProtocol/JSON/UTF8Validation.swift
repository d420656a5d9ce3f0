/// Strict UTF-8 validation (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF).
enum UTF8Validation {
    /// Returns the index just past the scalar starting at `i`, or nil when the bytes there
    /// are not a valid UTF-8 sequence. `bytes[i]` must be a non-ASCII lead byte.
    @inline(__always)
    static func endOfMultibyteScalar(_ bytes: UnsafeRawBufferPointer, at i: Int) -> Int? {
        let lead = bytes[i]
        let count = bytes.count
        func continuation(_ j: Int) -> Bool { j < count && bytes[j] & 0xC0 == 0x80 }
        switch lead {
        case 0xC2...0xDF:
            return continuation(i + 1) ? i + 2 : nil
        case 0xE0...0xEF:
            guard continuation(i + 1), continuation(i + 2) else { return nil }
            let second = bytes[i + 1]
            if lead == 0xE0 && second < 0xA0 { return nil }  // overlong
            if lead == 0xED && second > 0x9F { return nil }  // surrogate
            return i + 3
        case 0xF0...0xF4:
            guard continuation(i + 1), continuation(i + 2), continuation(i + 3) else { return nil }
            let second = bytes[i + 1]
            if lead == 0xF0 && second < 0x90 { return nil }  // overlong
            if lead == 0xF4 && second > 0x8F { return nil }  // above U+10FFFF
            return i + 4
        default:
            return nil
        }
    }

    /// Whether the whole buffer is valid UTF-8.
    static func isValid(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var i = 0
        let count = bytes.count
        while i < count {
            // ASCII fast path, eight bytes at a time.
            while i + 8 <= count {
                let word = bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                if word & 0x8080_8080_8080_8080 != 0 { break }
                i += 8
            }
            guard i < count else { return true }
            if bytes[i] < 0x80 {
                i += 1
            } else if let next = endOfMultibyteScalar(bytes, at: i) {
                i = next
            } else {
                return false
            }
        }
        return true
    }
}
