import PluginProtocol

/// What a plugin process's environment holds, and nothing else: the few variables of
/// sluiced's own a program expects (below), the original demo's variables with the values
/// in effect (wherever they were set: command line, environment or config file),
/// `SLUICE_PROTOCOL` and `SLUICE_PROTOCOL_VERSION`, then `[plugin] environment`, which
/// wins; `SLUICE_WORKER_ID` is added per process. An allow-list, so that what sluiced was
/// given for itself (a secret in a variable, `NOTIFY_SOCKET`, `CREDENTIALS_DIRECTORY`, a
/// cloud key in the unit's environment) never reaches a plugin unless named.
struct ChildEnvironment {
    /// sluiced's variables a plugin inherits, besides `LC_*`.
    static let passedOn: Set<String> = [
        "PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LANGUAGE", "TZ", "TMPDIR",
        // systemd's directories (StateDirectory= and the rest), for plugins to keep files in.
        "STATE_DIRECTORY", "CACHE_DIRECTORY", "LOGS_DIRECTORY", "RUNTIME_DIRECTORY", "CONFIGURATION_DIRECTORY",
    ]

    /// The variables of sluiced's environment that are passed on.
    let inherited: [String: String]

    init(daemon environment: [String: String]) {
        inherited = environment.filter { Self.passedOn.contains($0.key) || $0.key.hasPrefix("LC_") }
    }

    /// `NAME=value` for every variable a plugin gets under `settings`, but its worker id.
    func variables(for settings: Settings) -> [String] {
        var variables = inherited.merging(settings.demoVariables) { $1 }
        variables["SLUICE_PROTOCOL"] = settings.protocolKind.rawValue
        variables["SLUICE_PROTOCOL_VERSION"] = ProtocolVersion.current
        for assignment in settings.pluginEnvironment {
            guard let equals = assignment.firstIndex(of: "=") else { continue }
            variables[String(assignment[..<equals])] = String(assignment[assignment.index(after: equals)...])
        }
        variables["SLUICE_WORKER_ID"] = nil
        return variables.map { "\($0.key)=\($0.value)" }
    }
}
