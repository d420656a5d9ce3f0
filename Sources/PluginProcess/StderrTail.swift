/// The last lines a child wrote to stderr, at most about 2 KB: the reason in the dead
/// letter of a message that made it fail.
package struct StderrTail {
    package private(set) var lines: [String] = []

    package init() {}

    package mutating func append(_ line: String) {
        lines.append(String(line.prefix(512)))
        while lines.count > 8 || lines.reduce(0, { $0 + $1.utf8.count }) > 2048 {
            lines.removeFirst()
        }
    }

    /// The lines joined, nil when there are none.
    package var text: String? {
        lines.isEmpty ? nil : lines.joined(separator: "\n")
    }
}
