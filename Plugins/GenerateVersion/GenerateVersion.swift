import Foundation
import PackagePlugin

/// Writes `SluiceVersion.current` from the package's VERSION file, the one place the version
/// lives: `make deb` names the package from the same file, and `--version` of both tools
/// prints it.
@main
struct GenerateVersion: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let versionFile = context.package.directoryURL.appending(path: "VERSION")
        let output = context.pluginWorkDirectoryURL.appending(path: "SluiceVersion+Current.swift")
        // sh rather than a tool of our own: one line of text needs no executable target.
        let script = #"""
            version=$(tr -d ' \n' < "$1")
            printf 'extension SluiceVersion {\n    /// From VERSION (generated).\n    public static let current = "%s"\n}\n' "$version" > "$2"
            """#
        return [
            .buildCommand(
                displayName: "Generating SluiceVersion.current from VERSION",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: ["-c", script, "sh", versionFile.path, output.path],
                inputFiles: [versionFile], outputFiles: [output])
        ]
    }
}
