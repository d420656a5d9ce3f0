/// What a reload changes: the settings to run with (fresh values of live settings, the
/// running values of the others), and what differs in each group.
struct SettingsReload {
    var settings: Settings
    /// `key old -> new` for each live setting that changed.
    var applied: [String]
    /// Keys that changed in the sources but only take effect after a restart.
    var needsRestart: [String]

    /// What `sluicectl reload` answers and the log says about a reload of `path`.
    func summary(of path: String, commandChanged: Bool) -> String {
        var message = "reloaded \(path): "
        message += applied.isEmpty ? "no live setting changed" : "applied \(applied.joined(separator: ", "))"
        if commandChanged {
            message += " (the new plugin command runs as workers restart: sluicectl restart)"
        }
        if !needsRestart.isEmpty {
            message += "; changed but kept until sluiced restarts: \(needsRestart.joined(separator: ", "))"
        }
        return message
    }
}

extension Settings {
    /// Combines the running settings with freshly read ones.
    func reloaded(from fresh: Settings) -> SettingsReload {
        var result = fresh
        var applied: [String] = []
        var needsRestart: [String] = []
        for definition in Self.definitions {
            let before = definition.show(self)
            let after = definition.show(fresh)
            if definition.live {
                if before != after { applied.append("\(definition.key) \(before) -> \(after)") }
            } else {
                definition.copy(&result, self)
                if before != after { needsRestart.append(definition.key) }
            }
        }
        let kafkaBefore = [kafkaProperties, consumerProperties, producerProperties].map { $0.map { "\($0.0)=\($0.1)" } }
        let kafkaAfter = [fresh.kafkaProperties, fresh.consumerProperties, fresh.producerProperties].map { $0.map { "\($0.0)=\($0.1)" } }
        if kafkaBefore != kafkaAfter { needsRestart.append("kafka") }
        result.kafkaProperties = kafkaProperties
        result.consumerProperties = consumerProperties
        result.producerProperties = producerProperties
        return SettingsReload(settings: result, applied: applied, needsRestart: needsRestart)
    }
}
