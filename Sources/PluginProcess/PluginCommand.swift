import Glibc

/// The plugin program and its arguments, with the executable resolved against PATH once at
/// start-up so a typo fails before anything connects.
public struct PluginCommand: Sendable, Equatable, CustomStringConvertible {
    /// The words as given (`python3 examples/plugins/validator.py`).
    public let arguments: [String]
    /// The absolute or relative path the first word resolved to.
    public let executable: String
    /// The words joined by spaces, as logs and every dead letter's `sluice.plugin` show
    /// them: joined once, not for each failure.
    public let description: String

    /// Why a command cannot run, as one line naming it.
    public struct Unresolved: Error, Sendable, CustomStringConvertible {
        public let message: String

        init(_ message: String) {
            self.message = message
        }

        public var description: String { message }
    }

    /// Resolves `arguments[0]` like a shell does: a name with a slash is used as given,
    /// anything else is searched in `PATH`.
    public init(_ arguments: [String], path: String?) throws(Unresolved) {
        guard let program = arguments.first, !program.isEmpty else {
            throw Unresolved("plugin command: missing (give it after --, e.g. sluiced -- python3 plugin.py)")
        }
        self.arguments = arguments
        description = arguments.joined(separator: " ")
        if program.contains("/") {
            guard access(program, X_OK) == 0 else {
                throw Unresolved("plugin command: \(program) is not an executable file")
            }
            executable = program
            return
        }
        let directories = (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":")
        let candidates: [String] = directories.map { "\($0)/\(program)" }
        guard let found = candidates.first(where: { access($0, X_OK) == 0 }) else {
            throw Unresolved("plugin command: \(program) not found in PATH")
        }
        executable = found
    }

    /// For commands that run no plugin (`sluiced replay`).
    public static let none = PluginCommand(arguments: [], executable: "")

    private init(arguments: [String], executable: String) {
        self.arguments = arguments
        self.executable = executable
        description = arguments.joined(separator: " ")
    }
}
