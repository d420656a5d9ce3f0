extension ConfigFile {
    /// Where the text holds something toml++ (inside TOMLKit 0.6) does not report but
    /// fails an assertion on, aborting the daemon: a table header whose name starts with a
    /// character no key starts with (`[{]`), or `}` where an array expects an element
    /// (`[1, }]`). Returns the line and what is wrong, so it is refused with a clear error
    /// instead. Brackets inside strings and comments do not count.
    static func assertionTrigger(in text: String) -> (line: Int, problem: String)? {
        let bytes = Array(text.utf8)
        var index = 0
        var line = 1
        var open: [UInt8] = []  // "[" of arrays and "{" of inline tables, innermost last
        var atStatementStart = true
        var expectingElement = false
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\n"):
                line += 1
                atStatementStart = open.isEmpty
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                break
            case UInt8(ascii: "#"):
                while index < bytes.count && bytes[index] != UInt8(ascii: "\n") { index += 1 }
                continue
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                skipString(bytes, &index, &line)
                (atStatementStart, expectingElement) = (false, false)
                continue
            case UInt8(ascii: "[") where atStatementStart:
                var next = index + 1
                if next < bytes.count && bytes[next] == UInt8(ascii: "[") { next += 1 }
                while next < bytes.count && (bytes[next] == UInt8(ascii: " ") || bytes[next] == UInt8(ascii: "\t")) { next += 1 }
                guard next < bytes.count, isKeyStart(bytes[next]) else {
                    let found = next < bytes.count ? String(decoding: [bytes[next]], as: UTF8.self).debugDescription : "the end of the file"
                    return (line, "a table name cannot start with \(found)")
                }
                while index < bytes.count && bytes[index] != UInt8(ascii: "\n") { index += 1 }
                continue
            case UInt8(ascii: "}") where expectingElement:
                return (line, "\"}\" where an array expects a value")
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                open.append(byte)
                (atStatementStart, expectingElement) = (false, byte == UInt8(ascii: "["))
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                _ = open.popLast()
                (atStatementStart, expectingElement) = (false, false)
            case UInt8(ascii: ","):
                (atStatementStart, expectingElement) = (false, open.last == UInt8(ascii: "["))
            default:
                (atStatementStart, expectingElement) = (false, false)
            }
            index += 1
        }
        return nil
    }

    private static func isKeyStart(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "]"):
            true
        default: false
        }
    }

    /// Moves past a basic, literal or multi-line string starting at `index`.
    private static func skipString(_ bytes: [UInt8], _ index: inout Int, _ line: inout Int) {
        let quote = bytes[index]
        let isMultiLine = index + 2 < bytes.count && bytes[index + 1] == quote && bytes[index + 2] == quote
        index += isMultiLine ? 3 : 1
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\\") && quote == UInt8(ascii: "\"") {
                index += 2
                continue
            }
            if byte == UInt8(ascii: "\n") {
                line += 1
                if !isMultiLine { return }
            }
            if byte == quote && (!isMultiLine || (index + 2 < bytes.count && bytes[index + 1] == quote && bytes[index + 2] == quote)) {
                index += isMultiLine ? 3 : 1
                return
            }
            index += 1
        }
    }
}
