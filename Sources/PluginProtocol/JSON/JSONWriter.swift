/// Appends JSON tokens to a byte buffer without a general-purpose encoder: the frame codec
/// writes each field itself, so a request costs one buffer append per field.
public enum JSONWriter {
    /// Appends `bytes` (valid UTF-8) as a JSON string, escaping only what JSON requires.
    @inlinable
    public static func appendString(_ bytes: UnsafeRawBufferPointer, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var runStart = 0
        for index in 0..<bytes.count {
            let byte = bytes[index]
            guard byte < 0x20 || byte == 0x22 || byte == 0x5C else { continue }
            output.append(contentsOf: bytes[runStart..<index])
            appendEscape(for: byte, to: &output)
            runStart = index + 1
        }
        output.append(contentsOf: bytes[runStart..<bytes.count])
        output.append(UInt8(ascii: "\""))
    }

    /// Appends a Swift string as a JSON string.
    @inlinable
    public static func appendString(_ string: String, to output: inout [UInt8]) {
        var string = string
        string.withUTF8 { appendString(UnsafeRawBufferPointer($0), to: &output) }
    }

    @usableFromInline
    static func appendEscape(for byte: UInt8, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\\"))
        switch byte {
        case 0x22: output.append(0x22)
        case 0x5C: output.append(0x5C)
        case 0x0A: output.append(UInt8(ascii: "n"))
        case 0x0D: output.append(UInt8(ascii: "r"))
        case 0x09: output.append(UInt8(ascii: "t"))
        default:
            let hex: [UInt8] = Array("0123456789abcdef".utf8)
            output.append(contentsOf: [UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
        }
    }

    /// Appends a decimal integer.
    @inlinable
    public static func appendInteger<T: FixedWidthInteger>(_ value: T, to output: inout [UInt8]) {
        if value == 0 {
            output.append(UInt8(ascii: "0"))
            return
        }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of scratch: enough for 64 bits
        withUnsafeMutableBytes(of: &digits) { scratch in
            var position = scratch.count
            while magnitude > 0 {
                position -= 1
                scratch[position] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            }
            if value < 0 {
                position -= 1
                scratch[position] = UInt8(ascii: "-")
            }
            output.append(contentsOf: scratch[position...])
        }
    }

    /// Appends a JSON text, replacing raw CR and LF (only possible as insignificant white
    /// space in valid JSON) with spaces so the value stays on one line.
    public static func appendJSONOnOneLine(_ bytes: UnsafeRawBufferPointer, to output: inout [UInt8]) {
        let start = output.count
        output.append(contentsOf: bytes)
        for index in start..<output.count where output[index] == 0x0A || output[index] == 0x0D {
            output[index] = 0x20
        }
    }
}
