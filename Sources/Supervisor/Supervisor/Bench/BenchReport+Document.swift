import Foundation

extension BenchReport {
    static let beginMarker = "<!-- make bench: generated from here -->"
    static let endMarker = "<!-- make bench: generated up to here -->"

    /// Puts this run's tables between the markers of the document at `path` (appended when
    /// the markers are missing), leaving the hand-written rest alone.
    public func write(toDocument path: String) throws {
        let existing = (try? String(contentsOfFile: path, encoding: .utf8)) ?? "# Benchmarks\n"
        let date = ISO8601DateFormatter().string(from: Date())
        let generated = [
            Self.beginMarker,
            "Last run: \(date), `make bench` (\(options.messages.formatted) messages).",
            machine.lines.map { "- \($0)" }.joined(separator: "\n"),
            render(markdown: true).trimmingCharacters(in: .newlines),
            Self.endMarker,
        ].joined(separator: "\n\n")
        let document: String
        if let begin = existing.range(of: Self.beginMarker), let end = existing.range(of: Self.endMarker), begin.upperBound <= end.lowerBound {
            document = existing[..<begin.lowerBound] + generated + existing[end.upperBound...]
        } else {
            document = existing.trimmingCharacters(in: .newlines) + "\n\n" + generated + "\n"
        }
        try document.write(toFile: path, atomically: true, encoding: .utf8)
    }
}
