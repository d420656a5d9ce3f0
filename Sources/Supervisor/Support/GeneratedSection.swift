import Foundation

/// The machine-written part of a hand-written Markdown document, between two markers that
/// name the command writing it (`make bench`, `make chaos`, `make soak`).
package struct GeneratedSection {
    package let command: String

    package init(command: String) {
        self.command = command
    }

    package var beginMarker: String { "<!-- \(command): generated from here -->" }
    package var endMarker: String { "<!-- \(command): generated up to here -->" }

    /// Replaces what lies between the markers of the document at `path` with `paragraphs`
    /// (appended, with the markers, when they are missing), leaving the rest alone.
    package func write(_ paragraphs: [String], toDocument path: String, title: String) throws {
        let existing = (try? String(contentsOfFile: path, encoding: .utf8)) ?? "# \(title)\n"
        let generated = ([beginMarker] + paragraphs + [endMarker]).joined(separator: "\n\n")
        let document: String
        if let begin = existing.range(of: beginMarker), let end = existing.range(of: endMarker), begin.upperBound <= end.lowerBound {
            document = existing[..<begin.lowerBound] + generated + existing[end.upperBound...]
        } else {
            document = existing.trimmingCharacters(in: .newlines) + "\n\n" + generated + "\n"
        }
        try document.write(toFile: path, atomically: true, encoding: .utf8)
    }
}
