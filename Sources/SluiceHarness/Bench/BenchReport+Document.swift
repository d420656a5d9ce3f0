import Supervisor
import Foundation

extension BenchReport {
    static let section = GeneratedSection(command: "make bench")

    /// Puts this run's tables between the markers of the document at `path` (appended when
    /// the markers are missing), leaving the hand-written rest alone, and the sweeps' plots
    /// beside it. Returns what could not be drawn.
    public func write(toDocument path: String) throws -> [String] {
        let date = ISO8601DateFormatter().string(from: Date())
        let plots = writePlots(into: URL(fileURLWithPath: path).deletingLastPathComponent().path)
        try Self.section.write(
            [
                "Last run: \(date), `make bench` (\(options.messages.formatted) messages, \(options.validationMessages.formatted) in the validating rows).",
                machine.lines.map { "- \($0)" }.joined(separator: "\n"),
                render(markdown: true, plotFiles: plots.files).trimmingCharacters(in: .newlines),
            ], toDocument: path, title: "Benchmarks")
        return plots.problems
    }
}
