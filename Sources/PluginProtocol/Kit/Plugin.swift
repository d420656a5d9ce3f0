#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The Swift plugin kit: reads request frames from stdin, calls a handler for each, writes
/// response frames to stdout, and returns when stdin closes (Sluice's request to finish).
///
/// ```swift
/// Plugin.run { request in
///     request.payload == nil ? .permanent("empty") : .success()
/// }
/// ```
public enum Plugin {
    /// The longest request line the kit accepts.
    public static let maximumFrameLength = 64 * 1024 * 1024

    /// How long an answer may wait for the rest of its batch, in nanoseconds.
    static let longestHold: Int64 = 1_000_000

    /// Serves requests until stdin closes. Responses are written in batches: whenever no
    /// further complete request is buffered, so a busy plugin makes few write calls; but an
    /// answer waits for the rest of what was read at most `longestHold` (1 ms), so a slow
    /// handler's answers go out one by one as they are made, not 32 at a time after the
    /// last of them (sluiced writes that many ahead).
    public static func run(_ handler: (RequestFrame) -> PluginAnswer) {
        signal(SIGPIPE, SIG_IGN)
        let input = LineBuffer(maximumLineLength: maximumFrameLength)
        var output: [UInt8] = []
        output.reserveCapacity(64 * 1024)
        var stdoutGone = false
        while true {
            switch input.read(from: 0) {
            case .bytes:
                break
            case .endOfFile, .failed:
                writeAll(output)
                return
            case .wouldBlock:
                continue
            }
            var heldSince = monotonicNanoseconds()
            input.drainLines { event in
                switch event {
                case .line(let line):
                    do {
                        let request = try RequestFrame(decoding: line)
                        handler(request).response(to: request.id).encode(to: &output)
                    } catch {
                        logToStderr("plugin: cannot decode a request frame: \(error)")
                    }
                case .overlong:
                    logToStderr("plugin: a request frame exceeded \(maximumFrameLength) bytes")
                }
                let now = monotonicNanoseconds()
                if now - heldSince >= longestHold && !output.isEmpty {
                    stdoutGone = !writeAll(output)
                    output.removeAll(keepingCapacity: true)
                    heldSince = now
                }
                return !stdoutGone
            }
            if stdoutGone || !writeAll(output) { return }
            output.removeAll(keepingCapacity: true)
        }
    }

    /// The monotonic clock, in nanoseconds.
    static func monotonicNanoseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    }

    /// Writes all bytes to stdout; false once stdout is gone.
    @discardableResult
    static func writeAll(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = write(1, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += written
            }
            return true
        }
    }

    /// Writes one line to stderr, which Sluice forwards to its log.
    public static func logToStderr(_ message: String) {
        var line = Array(message.utf8)
        line.append(0x0A)
        line.withUnsafeBytes { _ = write(2, $0.baseAddress!, $0.count) }
    }
}
