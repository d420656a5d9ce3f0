import Foundation
import Testing

/// What route_plugin.py's processes received, as they recorded it themselves (RECORD_DIR):
/// evidence of what a plugin saw that does not come from sluiced.
struct PluginRecord {
    let directory: String

    /// A fresh directory for the plugins' records.
    init() throws {
        directory = try makeTemporaryDirectory("plugin-record")
    }

    /// The plugin's environment setting that makes it record.
    var environment: [String: String] { ["RECORD_DIR": directory] }

    /// The ids each plugin process received, by pid, in order.
    func idsByPID() throws -> [Int32: [String]] {
        var ids: [Int32: [String]] = [:]
        for file in try FileManager.default.contentsOfDirectory(atPath: directory) where file.hasSuffix(".ids") {
            guard let pid = Int32(file.dropLast(4)) else { continue }
            ids[pid] = try String(contentsOfFile: "\(directory)/\(file)", encoding: .utf8).split(separator: "\n").map(String.init)
        }
        return ids
    }

    /// How many times the plugin processes received each id, all of them together.
    func receptionsByID() throws -> [String: Int] {
        try idsByPID().values.joined().reduce(into: [:]) { $0[$1, default: 0] += 1 }
    }

    /// Asserts that the plugin processes, all together, received each of `ids` exactly
    /// once and, unless `othersToo`, nothing else. Counted once sluiced has exited, every
    /// message it fed them is recorded.
    func expectEachReceivedOnce(
        _ ids: some Collection<String>, othersToo: Bool = false, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let receptions = try receptionsByID()
        let notOnce = ids.filter { receptions[$0] != 1 }.map { "\($0): \(receptions[$0] ?? 0)" }
        #expect(notOnce.isEmpty, "\(notOnce.count) not received exactly once: \(notOnce.prefix(20))", sourceLocation: sourceLocation)
        if !othersToo {
            let others = Set(receptions.keys).subtracting(ids)
            #expect(others.isEmpty, "received and not sent: \(others.sorted().prefix(20))", sourceLocation: sourceLocation)
        }
    }
}
