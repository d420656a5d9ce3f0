import PluginProcess
import PluginProtocol
import SluiceSupport

/// `sluicectl check-plugin`: starts a plugin the way sluiced does (same environment
/// variables, its own process group) and runs a battery of checks, each in a fresh
/// process, so a plugin author learns what would go wrong before deploying.
public struct PluginChecker {
    /// The protocols of long-running plugins, which the battery checks.
    public enum CheckedProtocol: String, Sendable, CaseIterable {
        case json
        case lines
    }

    let command: PluginCommand
    let protocolKind: CheckedProtocol
    let environment: [String]
    /// How long a check waits for answers.
    let timeout: Duration

    public init(command: PluginCommand, protocolKind: CheckedProtocol, environment: [String: String], timeout: Duration) {
        self.command = command
        self.protocolKind = protocolKind
        var variables = environment
        variables["SLUICE_PROTOCOL"] = protocolKind.rawValue
        variables["SLUICE_PROTOCOL_VERSION"] = ProtocolVersion.current
        variables["SLUICE_WORKER_ID"] = "1"
        self.environment = variables.map { "\($0.key)=\($0.value)" }
        self.timeout = timeout
    }

    public func run() -> PluginCheckReport {
        var report = PluginCheckReport()
        report.checks.append(staysUp())
        for (name, all) in Self.batteries {
            let values = protocolKind == .json ? all : all.filter(Self.fitsOnALine)
            report.checks.append(check(name) { session throws(Failure) in
                try exchange(values, in: session)
                return nil
            })
        }
        var throughput: Double?
        report.checks.append(check("answers many requests written ahead (\(Self.pipelined) at once)") { session throws(Failure) in
            // One round trip first, so the rate leaves out the plugin's start-up.
            try exchange([Array(#"{"n":0}"#.utf8)], in: session)
            let started = ContinuousClock.now
            try exchange(Array(repeating: Array(#"{"n":1}"#.utf8), count: Self.pipelined), in: session)
            throughput = Double(Self.pipelined) / max((ContinuousClock.now - started).inSeconds, 1e-6)
            return nil
        })
        var latencies: [Double] = []
        report.checks.append(check("answers one request at a time (\(Self.sequential) round trips)") { session throws(Failure) in
            for _ in 0..<Self.sequential {
                let started = ContinuousClock.now
                try exchange([Array("ping".utf8)], in: session)
                latencies.append((ContinuousClock.now - started).inSeconds * 1000)
            }
            return nil
        })
        report.checks.append(exitsWhenStdinCloses())
        report.throughput = throughput
        if latencies.count == Self.sequential {
            latencies.sort()
            report.latency = (latencies[latencies.count / 2], latencies[latencies.count * 99 / 100])
        }
        return report
    }

    static let pipelined = 1000
    static let sequential = 200

    /// Values for each check; `lines` plugins get those a line can carry (sluiced
    /// dead-letters the others without sending them).
    static let batteries: [(String, [[UInt8]?])] = [
        ("answers every payload kind", [
            Array(#"{"sensor":"s1","value":21.5}"#.utf8), Array("[1,2,3]".utf8), Array("42".utf8), Array(#""a JSON string""#.utf8),
            Array("null".utf8), Array("plain text, not JSON".utf8), [0x00, 0xFF, 0x10, 0x80], [], nil,
        ]),
        ("keeps unicode and escapes intact", [
            Array(#"{"text":"line\nbreak \"quoted\" back\\slash \u00e9 \u2028 😀"}"#.utf8), Array("tab\tand\u{2028}separator é 😀".utf8),
            Array("{\n  \"pretty\": true\n}".utf8), Array("!starts with a bang".utf8),
        ]),
        ("answers a large value (1 MiB)", [Array(repeating: UInt8(ascii: "x"), count: 1 << 20)]),
    ]

    static func fitsOnALine(_ value: [UInt8]?) -> Bool {
        value.map { bytes in bytes.withUnsafeBytes { LineFrames.unsupportedReason($0) == nil } } ?? false
    }
}
