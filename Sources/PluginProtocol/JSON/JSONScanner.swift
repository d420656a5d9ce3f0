/// A cursor over JSON bytes that validates as it goes. It never allocates unless asked to
/// decode a string, and reports failure by returning false or nil instead of throwing.
public struct JSONScanner {
    let bytes: UnsafeRawBufferPointer
    /// The offset of the next unread byte.
    public internal(set) var index: Int = 0
    /// Whether white space skipped so far contained CR or LF.
    public internal(set) var sawLineBreak = false

    /// Starts scanning at the beginning of `bytes`, which must outlive the scanner.
    public init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// True once every byte was consumed.
    public var isAtEnd: Bool { index >= bytes.count }

    /// The next byte, or nil at the end.
    @inline(__always)
    public var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    /// Skips JSON white space (space, tab, CR, LF).
    @inline(__always)
    public mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09: index += 1
            case 0x0A, 0x0D: sawLineBreak = true; index += 1
            default: return
            }
        }
    }

    /// Consumes `byte` (after white space) and returns whether it was there.
    @inline(__always)
    public mutating func consume(_ byte: UInt8) -> Bool {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    /// Skips one complete value, validating it. `depth` is the current nesting level.
    public mutating func skipValue(depth: Int) -> Bool {
        skipWhitespace()
        guard let first = peek else { return false }
        switch first {
        case UInt8(ascii: "{"):
            guard depth < JSONValidator.maximumDepth else { return false }
            index += 1
            if consume(UInt8(ascii: "}")) { return true }
            repeat {
                skipWhitespace()
                guard skipString(), consume(UInt8(ascii: ":")), skipValue(depth: depth + 1) else { return false }
            } while consume(UInt8(ascii: ","))
            return consume(UInt8(ascii: "}"))
        case UInt8(ascii: "["):
            guard depth < JSONValidator.maximumDepth else { return false }
            index += 1
            if consume(UInt8(ascii: "]")) { return true }
            repeat {
                guard skipValue(depth: depth + 1) else { return false }
            } while consume(UInt8(ascii: ","))
            return consume(UInt8(ascii: "]"))
        case UInt8(ascii: "\""):
            return skipString()
        case UInt8(ascii: "t"): return skipLiteral("true")
        case UInt8(ascii: "f"): return skipLiteral("false")
        case UInt8(ascii: "n"): return skipLiteral("null")
        default:
            return skipNumber()
        }
    }

    mutating func skipLiteral(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        for offset in 0..<count where bytes[index + offset] != literal.utf8Start[offset] {
            return false
        }
        index += count
        return true
    }

    mutating func skipDigits() -> Bool {
        let start = index
        while index < bytes.count, bytes[index] &- UInt8(ascii: "0") < 10 { index += 1 }
        return index > start
    }

    mutating func skipNumber() -> Bool {
        if peek == UInt8(ascii: "-") { index += 1 }
        guard let lead = peek else { return false }
        if lead == UInt8(ascii: "0") {
            index += 1
        } else if !skipDigits() {
            return false
        }
        if peek == UInt8(ascii: ".") {
            index += 1
            guard skipDigits() else { return false }
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            index += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { index += 1 }
            guard skipDigits() else { return false }
        }
        return true
    }

    /// Skips a string at the cursor (which must be at its opening quote), validating its
    /// escapes and UTF-8.
    public mutating func skipString() -> Bool {
        var unused: [UInt8] = []
        return scanString(decoding: false, into: &unused)
    }

    /// The bytes between the quotes of the string at the cursor when it has no escapes (no
    /// copy: they point into the scanned bytes); nil, with the cursor unmoved, when it is not
    /// a valid string or has escapes (then `decodeString` is needed).
    public mutating func unescapedString() -> UnsafeRawBufferPointer? {
        skipWhitespace()
        let start = index
        guard skipString() else {
            index = start
            return nil
        }
        let contents = UnsafeRawBufferPointer(rebasing: bytes[(start + 1)..<(index - 1)])
        guard !contents.contains(UInt8(ascii: "\\")) else {
            index = start
            return nil
        }
        return contents
    }

    /// Decodes the string at the cursor into its UTF-8 bytes, or nil if it is not a valid
    /// JSON string.
    public mutating func decodeString() -> [UInt8]? {
        skipWhitespace()
        var output: [UInt8] = []
        return scanString(decoding: true, into: &output) ? output : nil
    }

    /// Reads an integer number at the cursor (no fraction, no exponent).
    public mutating func decodeInteger() -> Int64? {
        skipWhitespace()
        let start = index
        guard skipNumber() else { return nil }
        var value: Int64 = 0
        var position = start
        let negative = bytes[position] == UInt8(ascii: "-")
        if negative { position += 1 }
        while position < index {
            let digit = bytes[position] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }  // fraction or exponent
            let (times, overflowA) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowB) = times.addingReportingOverflow(Int64(digit))
            guard !overflowA, !overflowB else { return nil }
            value = sum
            position += 1
        }
        return negative ? -value : value
    }
}
