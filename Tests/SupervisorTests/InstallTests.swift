import Foundation
import Testing

@testable import Supervisor

/// `make install` and `make uninstall`, and the installed systemd units.
@Suite struct InstallTests {
    func make(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/make")
        process.arguments = ["-s", "-C", SluicedProcess.repositoryRoot, "BUILT=\(ProcessEnvironment.executableDirectory)"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func installLaysOutEveryFileAndUninstallRemovesThem() throws {
        let stage = try makeTemporaryDirectory("sluice-stage")
        let install = try make(["install", "DESTDIR=\(stage)", "PREFIX=/usr"])
        #expect(install.status == 0, "\(install.output)")
        let expected = [
            "usr/bin/sluiced", "usr/bin/sluicectl", "usr/bin/echo-plugin", "usr/bin/measurement-validator",
            "usr/lib/systemd/system/sluice.service", "usr/lib/systemd/system/sluice@.service", "etc/sluice/sluice.toml",
            "usr/share/sluice/sluice.toml.example", "usr/share/sluice/examples/plugins/validator.py",
            "usr/share/doc/sluice/OPERATIONS.md", "usr/share/doc/sluice/PROTOCOL.md", "usr/share/doc/sluice/README.md",
            "usr/share/doc/sluice/PLUGINS.md", "usr/share/sluice/examples/plugins/sluice_plugin.py",
            "usr/share/sluice/examples/plugins/uppercase.awk",
        ]
        for file in expected {
            #expect(FileManager.default.fileExists(atPath: "\(stage)/\(file)"), "\(file) installed")
        }
        #expect(access("\(stage)/usr/bin/sluiced", X_OK) == 0)
        let unit = try String(contentsOfFile: "\(stage)/usr/lib/systemd/system/sluice@.service", encoding: .utf8)
        #expect(unit.contains("ExecStart=/usr/bin/sluiced --config /etc/sluice/%i.toml") && !unit.contains("@BINDIR@"), "\(unit)")
        let config = try String(contentsOfFile: "\(stage)/etc/sluice/sluice.toml", encoding: .utf8)
        #expect(config.contains("/usr/share/sluice/examples/plugins/validator.py"))

        try "operator's own".write(toFile: "\(stage)/etc/sluice/sluice.toml", atomically: true, encoding: .utf8)
        #expect(try make(["install", "DESTDIR=\(stage)", "PREFIX=/usr"]).status == 0)
        #expect(try String(contentsOfFile: "\(stage)/etc/sluice/sluice.toml", encoding: .utf8) == "operator's own", "kept")

        let uninstall = try make(["uninstall", "DESTDIR=\(stage)", "PREFIX=/usr"])
        #expect(uninstall.status == 0, "\(uninstall.output)")
        for file in expected where !file.hasPrefix("etc/") {
            #expect(!FileManager.default.fileExists(atPath: "\(stage)/\(file)"), "\(file) removed")
        }
        #expect(FileManager.default.fileExists(atPath: "\(stage)/etc/sluice/sluice.toml"), "the operator's config stays")
    }

    /// The installed units pass `systemd-analyze verify` (which also checks that ExecStart
    /// exists, so they are installed under a real prefix, not staged).
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze"), "systemd-analyze is not installed"))
    func installedUnitsVerify() throws {
        let prefix = try makeTemporaryDirectory("sluice-prefix")
        #expect(try make(["install", "PREFIX=\(prefix)"]).status == 0)
        for unit in ["sluice.service", "sluice@.service"] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/systemd-analyze")
            process.arguments = ["verify", "\(prefix)/lib/systemd/system/\(unit)"]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = output
            try process.run()
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0 && text.isEmpty, "\(unit): \(text)")
        }
    }
}
