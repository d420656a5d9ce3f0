import Supervisor
import Foundation

extension BenchReport {
    static let section = GeneratedSection(command: "make bench")

    /// Puts this run's tables between the markers of the document at `path` (appended when
    /// the markers are missing), leaving the hand-written rest alone.
    public func write(toDocument path: String) throws {
        let date = ISO8601DateFormatter().string(from: Date())
        try Self.section.write(
            [
                "Last run: \(date), `make bench` (\(options.messages.formatted) messages).",
                machine.lines.map { "- \($0)" }.joined(separator: "\n"),
                render(markdown: true).trimmingCharacters(in: .newlines),
            ], toDocument: path, title: "Benchmarks")
    }
}
