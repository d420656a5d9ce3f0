/// Where settings come from, in order of precedence: the command line, the environment
/// (the original demo's variables, and `SLUICE_<TABLE>_<KEY>` for every key), the config
/// file, the defaults. The daemon keeps its
/// sources so that `reload` reads the file again and applies what changed.
public struct SettingsSources: Sendable {
    /// `--config FILE`, if given.
    public var configFile: String?
    /// The daemon's environment.
    public var environment: [String: String]
    /// Options given on the command line, by setting key (`plugin.workers`).
    public var commandLine: [String: SettingValue.Raw]
    /// `-X name=value` arguments.
    public var commandLineKafka: [String]
    /// Whether a plugin command is required (not for `replay`, nor a retrier-only daemon).
    public var needsPlugin: Bool

    public init(
        configFile: String?, environment: [String: String], commandLine: [String: SettingValue.Raw] = [:],
        commandLineKafka: [String] = [], needsPlugin: Bool = true
    ) {
        self.configFile = configFile
        self.environment = environment
        self.commandLine = commandLine
        self.commandLineKafka = commandLineKafka
        self.needsPlugin = needsPlugin
    }

    /// Reads every source and returns the checked settings; the error names the first bad
    /// setting with its file and line, variable or option.
    public func resolve() throws(SettingsError) -> Settings {
        let file = try configFile.map { (path) throws(SettingsError) in try ConfigFile(path: path, environment: environment) }
        var given = file?.values ?? [:]
        for definition in Settings.definitions {
            // The demo's variable, then SLUICE_<TABLE>_<KEY>, the more specific, over it.
            for variable in [definition.variable, definition.environmentVariable].compactMap({ $0 }) {
                guard let value = environment[variable]?.trimmingWhitespace, !value.isEmpty else { continue }
                given[definition.key] = SettingValue(.string(value), origin: .environment(variable))
            }
            if let raw = commandLine[definition.key] {
                given[definition.key] = SettingValue(raw, origin: .commandLine(definition.option ?? definition.key))
            }
        }
        for definition in Settings.definitions where definition.key.hasPrefix("pipeline.") && given[definition.key] == nil {
            let variable = definition.variable ?? definition.key
            throw SettingsError(
                "\(variable): not set (it is required: set it in the environment, or \(definition.key.dropFirst(9)) in [pipeline] of \(configFile ?? "a config file given with --config"))")
        }
        var settings = Settings(
            brokers: "", inputTopic: "", successTopic: "", transientTopic: "", permanentTopic: "", groupID: "", command: .none)
        try Self.apply(given, to: &settings, searchPath: environment["PATH"])
        if needsPlugin && settings.retrier != .only && settings.command == .none {
            throw SettingsError("plugin command: missing (give it after --, e.g. sluiced -- python3 plugin.py, or command in [plugin] of the config file)")
        }
        let cli = try KafkaProperties.parse(commandLine: commandLineKafka)
        let setOnCommandLine = Set(cli.map(\.0))
        func fromFile(_ scope: KafkaProperties.Scope) -> [(String, String)] {
            (file?.kafka[scope] ?? []).filter { !setOnCommandLine.contains($0.name) }.map { ($0.name, $0.value) }
        }
        settings.kafkaProperties = fromFile(.common) + cli
        settings.consumerProperties = fromFile(.consumer)
        settings.producerProperties = fromFile(.producer)
        try settings.validate()
        return settings
    }

    /// Applies the command-line options (not the environment nor a file) to `settings`,
    /// for the demo, which makes its own.
    public func applyCommandLine(to settings: inout Settings) throws(SettingsError) {
        let given = Dictionary(uniqueKeysWithValues: commandLine.map { key, raw in
            (key, SettingValue(raw, origin: .commandLine(Settings.definition(key)?.option ?? key)))
        })
        try Self.apply(given, to: &settings, searchPath: environment["PATH"])
        settings.kafkaProperties += try KafkaProperties.parse(commandLine: commandLineKafka)
        try settings.validate()
    }

    private static func apply(_ given: [String: SettingValue], to settings: inout Settings, searchPath: String?) throws(SettingsError) {
        settings.programSearchPath = searchPath
        for definition in Settings.definitions {
            guard let value = given[definition.key] else { continue }
            try definition.apply(&settings, value)
        }
        settings.origins.merge(given.mapValues(\.origin)) { $1 }
    }
}
