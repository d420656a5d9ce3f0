/// Protocol `lines`, for plain filters (`sed -u`, `awk`, `jq -c --unbuffered`): a request
/// is the message value on one line, an answer is one line per request, in order.
///
/// An answer line is the new value (success), `!drop` (finished with nothing to write), or
/// `!transient REASON` / `!permanent REASON` (the reason is optional). A value whose line starts with `!` is sent with the `!`
/// doubled, and an answer starting with `!!` is a value starting with `!`, so a filter that
/// passes lines through unchanged round-trips every value.
public enum LineFrames {
    /// Why a value cannot go to a `lines` plugin, or nil when it can.
    public static func unsupportedReason(_ value: UnsafeRawBufferPointer?) -> String? {
        guard let value else { return "a null value cannot be carried by protocol lines" }
        if value.contains(0x0A) { return "the value contains a newline, which protocol lines cannot carry" }
        guard UTF8Validation.isValid(value) else { return "the value is not UTF-8 text, which protocol lines cannot carry" }
        return nil
    }

    /// Appends the request line for `value` (checked with `unsupportedReason` first).
    public static func appendRequest(_ value: UnsafeRawBufferPointer, to output: inout [UInt8]) {
        if value.first == UInt8(ascii: "!") { output.append(UInt8(ascii: "!")) }
        output.append(contentsOf: value)
        output.append(0x0A)
    }

    /// Decodes one answer line (without its `\n`; a trailing `\r` is dropped).
    public static func decodeAnswer(_ line: UnsafeRawBufferPointer) throws(FrameError) -> ResponseFrame {
        var bytes = line[...]
        if bytes.last == 0x0D { bytes = bytes.dropLast() }
        guard UTF8Validation.isValid(UnsafeRawBufferPointer(rebasing: bytes)) else {
            throw FrameError("answer line is not UTF-8")
        }
        guard bytes.first == UInt8(ascii: "!") else {
            return ResponseFrame(id: [], verdict: .success, payload: .text(Array(bytes)))
        }
        let rest = bytes.dropFirst()
        if rest.first == UInt8(ascii: "!") {
            return ResponseFrame(id: [], verdict: .success, payload: .text(Array(rest)))
        }
        let text = String(decoding: rest, as: UTF8.self)
        let word = text.prefix { $0 != " " }
        let reason = text.dropFirst(word.count).drop { $0 == " " }
        let verdict: Verdict
        switch word {
        case "transient": verdict = .transient
        case "permanent": verdict = .permanent
        case "drop": verdict = .drop
        default:
            throw FrameError("answer starts with ! but is not !drop, !transient, !permanent or !! (a value starting with !)")
        }
        return ResponseFrame(id: [], verdict: verdict, reason: reason.isEmpty ? nil : String(reason))
    }
}
