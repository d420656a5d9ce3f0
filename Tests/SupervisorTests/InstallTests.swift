import Foundation
import Testing

@testable import Supervisor

/// `make install` and `make uninstall`, and the installed systemd units.
@Suite struct InstallTests {
    func make(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try run("/usr/bin/make", ["-s", "-C", SluicedProcess.repositoryRoot, "BUILT=\(ProcessEnvironment.executableDirectory)"] + arguments)
    }

    /// Runs `executable` to its end: its exit status and its stdout and stderr together.
    func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> (status: Int32, output: String) {
        let result = try runProgram(executable, arguments, environment: environment)
        return (result.status, result.output + result.error)
    }

    /// Also with the `__pycache__` that running the Python examples leaves beside them
    /// (ignored by git): install refused the folder ("omitting directory") and went on.
    @Test func installLaysOutEveryFileAndUninstallRemovesThem() throws {
        let stage = try makeTemporaryDirectory("sluice-stage")
        try FileManager.default.createDirectory(
            atPath: "\(SluicedProcess.repositoryRoot)/examples/plugins/__pycache__", withIntermediateDirectories: true)
        let install = try make(["install", "DESTDIR=\(stage)", "PREFIX=/usr"])
        #expect(install.status == 0 && !install.output.contains("install:"), "\(install.output)")
        #expect(!FileManager.default.fileExists(atPath: "\(stage)/usr/share/sluice/examples/plugins/__pycache__"))
        let expected = [
            "usr/bin/sluiced", "usr/bin/sluicectl", "usr/bin/echo-plugin", "usr/bin/measurement-validator",
            "usr/lib/systemd/system/sluice.service", "usr/lib/systemd/system/sluice@.service", "etc/sluice/sluice.toml",
            "usr/share/sluice/sluice.toml.example", "usr/share/sluice/examples/plugins/validator.py",
            "usr/share/doc/sluice/OPERATIONS.md", "usr/share/doc/sluice/PROTOCOL.md", "usr/share/doc/sluice/README.md",
            "usr/share/doc/sluice/PLUGINS.md", "usr/share/sluice/examples/plugins/sluice_plugin.py",
            "usr/share/sluice/examples/plugins/uppercase.awk", "usr/share/sluice/examples/plugins/validator_plain.py",
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
    /// exists, so they are installed under a real prefix, not staged), and fail safe: a bad
    /// config (exit 78) is not restarted every 5 s forever, a reload waits for sluiced's
    /// answer, and the hardening keeps the exposure `systemd-analyze security` reports at
    /// most 3.0.
    @Test(.enabled(if: Needs.runs(with: "/usr/bin/systemd-analyze"), "systemd-analyze is not installed"))
    func installedUnitsVerifyAndFailSafe() throws {
        try Needs.tool("/usr/bin/systemd-analyze")
        let prefix = try makeTemporaryDirectory("sluice-prefix")
        #expect(try make(["install", "PREFIX=\(prefix)"]).status == 0)
        for (unit, reload) in [("sluice.service", "sluicectl reload"), ("sluice@.service", "sluicectl --instance %i reload")] {
            let path = "\(prefix)/lib/systemd/system/\(unit)"
            let verify = try run("/usr/bin/systemd-analyze", ["verify", path])
            #expect(verify.status == 0 && verify.output.isEmpty, "\(unit): \(verify.output)")
            let settings = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("#") }
            for line in ["RestartPreventExitStatus=78", "ExecReload=\(prefix)/bin/\(reload)", "CapabilityBoundingSet=", "UMask=0077"] {
                #expect(settings.contains { $0 == line }, "\(unit): \(line)")
            }
            #expect(!settings.contains { $0.contains("kill -HUP") }, "\(unit)")
            // --threshold is in tenths: exit 1 above 3.0.
            let security = try run("/usr/bin/systemd-analyze", ["security", "--offline=true", "--threshold=30", path])
            let exposure = security.output.split(separator: "\n").first { $0.contains("Overall exposure level") } ?? "none"
            #expect(security.status == 0, "\(unit): \(exposure)")
        }
    }
}

/// `make deb`: the package's files, control fields and conffile, and what dpkg does with it
/// in a throwaway root (`dpkg --root`, maintainer scripts run without chroot and with
/// DPKG_ROOT set, so they leave the host's systemd alone): install, keep the operator's
/// edited config on reinstall, remove it on purge; there `systemd-analyze verify` accepts
/// the units and the packaged sluiced prints the VERSION file's version.
@Suite struct DebianPackageTests {
    let install = InstallTests()

    @Test(.enabled(if: Needs.runs(with: "/usr/bin/dpkg-deb"), "dpkg is not installed"))
    func makeDebBuildsAPackageDpkgInstallsUpgradesAndPurges() throws {
        try Needs.tool("/usr/bin/dpkg-deb")
        let directory = try makeTemporaryDirectory("sluice-deb")
        let built = ProcessEnvironment.executableDirectory
        // The debug build links the toolchain's Swift runtime, which no Debian package ships.
        let make = try install.make([
            "deb", "DEB_DIR=\(directory)", "DEB_STAGE=\(directory)/stage", "GENERATE_MANUAL=\(built)/generate-manual",
            "DEB_SHLIBDEPS_FLAGS=--ignore-missing-info",
        ])
        #expect(make.status == 0, "\(make.output)")
        let version = try String(contentsOfFile: "\(SluicedProcess.repositoryRoot)/VERSION", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let architecture = try install.run("/usr/bin/dpkg", ["--print-architecture"]).output.trimmingCharacters(in: .whitespacesAndNewlines)
        let package = "\(directory)/sluice_\(version)_\(architecture).deb"
        try #require(FileManager.default.fileExists(atPath: package), "\(make.output)")

        let contents = try install.run("/usr/bin/dpkg-deb", ["--contents", package]).output
        for file in [
            "./usr/bin/sluiced", "./usr/bin/sluicectl", "./usr/lib/systemd/system/sluice.service",
            "./usr/lib/systemd/system/sluice@.service", "./etc/sluice/sluice.toml", "./usr/share/man/man1/sluiced.1.gz",
            "./usr/share/man/man1/sluicectl.1.gz", "./usr/share/bash-completion/completions/sluicectl",
            "./usr/share/zsh/vendor-completions/_sluiced", "./usr/share/doc/sluice/copyright",
            "./usr/share/doc/sluice/changelog.Debian.gz", "./usr/share/doc/sluice/OPERATIONS.md",
            "./usr/share/sluice/examples/plugins/validator.py",
        ] {
            #expect(contents.contains(" \(file)\n"), "\(file) in the package")
        }
        #expect(contents.split(separator: "\n").allSatisfy { $0.contains(" root/root ") }, "owned by root:root")
        let fields = try install.run("/usr/bin/dpkg-deb", ["--field", package, "Version", "Depends"]).output
        #expect(fields.contains("Version: \(version)\n") && fields.contains("librdkafka1"), "\(fields)")
        #expect(try install.run("/usr/bin/dpkg-deb", ["--info", package, "conffiles"]).output == "/etc/sluice/sluice.toml\n")

        let root = try throwawayRoot(in: directory)
        // dpkg wants ldconfig and start-stop-daemon on PATH, which a user's PATH (and CI's)
        // may leave out.
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = "/usr/local/sbin:/usr/sbin:/sbin:" + (environment["PATH"] ?? "/usr/bin:/bin")
        let dpkg = { (arguments: [String]) throws -> (status: Int32, output: String) in
            try install.run(
                "/usr/bin/dpkg", ["--root=\(root)", "--force-script-chrootless", "--force-depends", "--force-not-root"] + arguments,
                environment: environment)
        }
        let installed = try dpkg(["--install", package])
        #expect(installed.status == 0, "\(installed.output)")
        let status = try String(contentsOfFile: "\(root)/var/lib/dpkg/status", encoding: .utf8)
        #expect(status.contains("Conffiles:\n /etc/sluice/sluice.toml "), "\(status)")
        let printed = try install.run("\(root)/usr/bin/sluiced", ["--version"]).output
        #expect(printed == "\(version)\n")
        #expect(try install.run("\(root)/usr/bin/sluicectl", ["--version"]).output == "\(version)\n")

        if Needs.runs(with: "/usr/bin/systemd-analyze") {
            try Needs.tool("/usr/bin/systemd-analyze")
            // verify --root looks for the units a service pulls in (sysinit.target, …) there too.
            let hostUnits = "/usr/lib/systemd/system"
            for unit in try FileManager.default.contentsOfDirectory(atPath: hostUnits)
            where !FileManager.default.fileExists(atPath: "\(root)\(hostUnits)/\(unit)") {
                try FileManager.default.copyItem(atPath: "\(hostUnits)/\(unit)", toPath: "\(root)\(hostUnits)/\(unit)")
            }
            let verify = try install.run("/usr/bin/systemd-analyze", ["verify", "--root=\(root)", "sluice.service", "sluice@pipeline.service"])
            #expect(verify.status == 0 && verify.output.isEmpty, "\(verify.output)")
        }

        let config = "\(root)/etc/sluice/sluice.toml"
        try "# the operator's own\n".write(toFile: config, atomically: true, encoding: .utf8)
        let reinstalled = try dpkg(["--force-confold", "--install", package])
        #expect(reinstalled.status == 0, "\(reinstalled.output)")
        #expect(try String(contentsOfFile: config, encoding: .utf8) == "# the operator's own\n", "an edited conffile is kept")
        let removed = try dpkg(["--remove", "sluice"])
        #expect(removed.status == 0 && !FileManager.default.fileExists(atPath: "\(root)/usr/bin/sluiced"), "\(removed.output)")
        #expect(FileManager.default.fileExists(atPath: config), "remove keeps the config")
        let purged = try dpkg(["--purge", "sluice"])
        #expect(purged.status == 0 && !FileManager.default.fileExists(atPath: config), "purge removes it: \(purged.output)")
    }

    /// An empty dpkg database under `directory`.
    private func throwawayRoot(in directory: String) throws -> String {
        let root = "\(directory)/root"
        for folder in ["var/lib/dpkg/info", "var/lib/dpkg/updates"] {
            try FileManager.default.createDirectory(atPath: "\(root)/\(folder)", withIntermediateDirectories: true)
        }
        _ = FileManager.default.createFile(atPath: "\(root)/var/lib/dpkg/status", contents: Data())
        return root
    }
}
