import Supervisor
import Foundation
import PluginProtocol

/// The parsers that read input from outside, as `make fuzz` (libFuzzer) and the tests'
/// mutation harness feed them arbitrary bytes: a plugin's response lines, Kafka messages
/// made into request frames, and the config file. Each checks what must hold for any input
/// and traps when it does not, so a broken property is a finding like a crash.
public enum FuzzTarget: String, CaseIterable, Sendable {
    case responseFrame = "response-frame"
    case requestFrame = "request-frame"
    case configFile = "config-file"

    /// Runs one input. An error the input deserves is fine.
    public func run(_ input: UnsafeRawBufferPointer) {
        switch self {
        case .responseFrame:
            // What a plugin writes arrives split at newlines.
            for line in input.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
                Self.decodeResponse(UnsafeRawBufferPointer(rebasing: line))
            }
        case .requestFrame: Self.encodeRequest(input)
        case .configFile: Self.parseConfig(input)
        }
    }

    /// A decoded response survives its own encoding (the same bytes in the same fields); the
    /// lines protocol's decoder copes too.
    private static func decodeResponse(_ line: UnsafeRawBufferPointer) {
        _ = try? LineFrames.decodeAnswer(line)
        guard let frame = try? ResponseFrame(decoding: line) else { return }
        var encoded: [UInt8] = []
        frame.encode(to: &encoded)
        let again = encoded.withUnsafeBytes { try? ResponseFrame(decoding: UnsafeRawBufferPointer(rebasing: $0.dropLast())) }
        // Encoding picks the field by the bytes (base64 "AA" comes back as the text "\u0000"),
        // and rewrites a JSON value's raw CRs (white space) to keep it on one line.
        var expected = frame
        expected.payload = frame.payload.map { Payload(classifying: $0.bytes) }
        var actual = again
        if case .json(let bytes)? = expected.payload, bytes.contains(0x0D) {
            expected.payload = nil
            actual?.payload = nil
        }
        precondition(actual == expected, "a decoded response changed through its own encoding")
    }

    /// The input split into a key, a header value and a value, written as a request frame:
    /// one line of valid JSON that decodes back to the same bytes.
    private static func encodeRequest(_ input: UnsafeRawBufferPointer) {
        let first = input.count / 3
        let second = input.count - input.count / 3
        let key = UnsafeRawBufferPointer(rebasing: input[..<first])
        let header = UnsafeRawBufferPointer(rebasing: input[first..<second])
        let value = UnsafeRawBufferPointer(rebasing: input[second...])
        var frame: [UInt8] = []
        RequestFrameWriter.begin(id: 7, topic: "in", partition: 1, offset: 2, timestamp: 3, attempt: 1, to: &frame)
        RequestFrameWriter.appendKey(key, to: &frame)
        RequestFrameWriter.appendHeaders({ visit in "h".utf8CString.withUnsafeBytes { visit(UnsafeRawBufferPointer(rebasing: $0.dropLast()), header) } }, to: &frame)
        RequestFrameWriter.end(value: value, to: &frame)
        precondition(frame.last == UInt8(ascii: "\n") && frame.dropLast().firstIndex(of: UInt8(ascii: "\n")) == nil, "a request frame is one line")
        let decoded = frame.withUnsafeBytes { bytes -> RequestFrame? in
            let line = UnsafeRawBufferPointer(rebasing: bytes.dropLast())
            precondition(JSONValidator.validate(line) != .invalid, "a request frame is valid JSON")
            return try? RequestFrame(decoding: line)
        }
        guard let decoded else { preconditionFailure("a request frame decodes") }
        precondition(decoded.key == Array(key) && decoded.headers.first?.value == Array(header), "key and header come back unchanged")
        // A JSON value comes back without the white space around it, and its raw line
        // breaks (white space too) are rewritten to keep the frame on one line.
        var expected = Array(value)
        if case .json? = decoded.payload {
            let isWhiteSpace = { (byte: UInt8) in byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
            guard !value.contains(0x0A) && !value.contains(0x0D) else { return }
            expected = Array(expected.drop(while: isWhiteSpace).reversed().drop(while: isWhiteSpace).reversed())
        }
        precondition(decoded.payload?.bytes == expected, "the value comes back unchanged")
    }

    /// The input as a config file; whatever it holds, settings resolve or fail with an error.
    private static func parseConfig(_ input: UnsafeRawBufferPointer) {
        let path = "\(NSTemporaryDirectory())/sluice-fuzz-\(getpid()).toml"
        guard FileManager.default.createFile(atPath: path, contents: Data(input)) else { return }
        defer { unlink(path) }
        let environment = ["PATH": "/usr/bin:/bin", "FUZZ_SECRET": "s"]
        guard let settings = try? SettingsSources(configFile: path, environment: environment, commandLine: [:], commandLineKafka: []).resolve()
        else { return }
        _ = settings.effectiveDescription
    }
}
