import Foundation
import Glibc
import Testing

/// What some tests need of the machine: a tool, or root. Where it is missing they are
/// skipped, except under CI=true, where they run and fail: `make test` installs the tools
/// (systemd-analyze, dpkg-deb, gnuplot) and CI runs as root, so a skip there would only
/// hide a missing install step.
enum Needs {
    static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// Whether a test that needs the program at `path` runs.
    static func runs(with path: String) -> Bool { isCI || FileManager.default.isExecutableFile(atPath: path) }

    /// Whether a test that needs root runs.
    static var runsAsRoot: Bool { isCI || getuid() == 0 }

    /// Fails the test when the program at `path` is missing.
    static func tool(_ path: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        try #require(FileManager.default.isExecutableFile(atPath: path), "\(path) is missing (make test installs it)", sourceLocation: sourceLocation)
    }

    /// Fails the test when it does not run as root.
    static func root(sourceLocation: SourceLocation = #_sourceLocation) throws {
        try #require(getuid() == 0, "runs as root only", sourceLocation: sourceLocation)
    }
}
