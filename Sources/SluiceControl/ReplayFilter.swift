/// Which dead letters a replay takes: by failure time, reason and source.
public struct ReplayFilter: Codable, Sendable, Hashable, CustomStringConvertible {
    /// Earliest `sluice.failure.time` (ms since the epoch), inclusive.
    public var from: Int64?
    /// Latest `sluice.failure.time` (ms since the epoch), inclusive.
    public var to: Int64?
    /// Text the `sluice.reason` header must contain.
    public var reasonContains: String?
    /// The `sluice.source` the message must have (plugin, crash, timeout, …).
    public var source: String?

    public init(from: Int64? = nil, to: Int64? = nil, reasonContains: String? = nil, source: String? = nil) {
        self.from = from
        self.to = to
        self.reasonContains = reasonContains
        self.source = source
    }

    /// Whether a dead letter with these header values matches.
    package func matches(failureTime: Int64?, reason: String?, source messageSource: String?) -> Bool {
        if let from, (failureTime ?? .min) < from { return false }
        if let to, (failureTime ?? .max) > to { return false }
        if let reasonContains, !(reason ?? "").contains(reasonContains) { return false }
        if let source, messageSource != source { return false }
        return true
    }

    public var description: String {
        var parts: [String] = []
        if let from { parts.append("from=\(from)") }
        if let to { parts.append("to=\(to)") }
        if let reasonContains { parts.append("reason~\(reasonContains)") }
        if let source { parts.append("source=\(source)") }
        return parts.isEmpty ? "all" : parts.joined(separator: " ")
    }

    /// A stable name for the filter, so running the same replay again resumes it (the
    /// consumer group of a replay is derived from it).
    package var stableName: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a: stable across runs, unlike Hasher
        for byte in description.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return String(hash, radix: 16)
    }
}
