import SluiceSupport

/// One setting: its key in the config file (`table.key`), its command-line option and
/// environment variable, whether `reload` can change it in a running daemon, how a given
/// value is applied, how the effective value is shown, and how it is copied between two
/// `Settings` (a reload keeps the running value of what needs a restart).
struct SettingDefinition: Sendable {
    let key: String
    let option: String?
    let variable: String?
    /// Applied by `sluicectl reload` (and SIGHUP) without a restart.
    let live: Bool
    let apply: @Sendable (inout Settings, SettingValue) throws(SettingsError) -> Void

    /// The variable every key can also be given by: `plugin.workers` is
    /// `SLUICE_PLUGIN_WORKERS`.
    var environmentVariable: String {
        "SLUICE_" + key.uppercased().replacingAll(".", with: "_")
    }
    let show: @Sendable (Settings) -> String
    let copy: @Sendable (inout Settings, Settings) -> Void

    /// A setting stored at `path`: `parse` converts a given value, `show` prints one.
    static func field<Value>(
        _ key: String, option: String? = nil, variable: String? = nil, live: Bool,
        _ path: WritableKeyPath<Settings, Value> & Sendable,
        parse: @escaping @Sendable (SettingValue) throws(SettingsError) -> Value,
        show: @escaping @Sendable (Value) -> String
    ) -> SettingDefinition {
        SettingDefinition(
            key: key, option: option, variable: variable, live: live,
            apply: { settings, value throws(SettingsError) in settings[keyPath: path] = try parse(value) },
            show: { show($0[keyPath: path]) },
            copy: { $0[keyPath: path] = $1[keyPath: path] })
    }

    /// A string setting checked by `check` (which throws the problem, without the name).
    static func text(
        _ key: String, option: String? = nil, variable: String? = nil, live: Bool,
        _ path: WritableKeyPath<Settings, String> & Sendable,
        check: @escaping @Sendable (String) throws(SettingsError) -> Void
    ) -> SettingDefinition {
        field(
            key, option: option, variable: variable, live: live, path,
            parse: { value throws(SettingsError) in
                let text = try value.string(key).trimmingWhitespace
                do throws(SettingsError) { try check(text) } catch { throw value.fail(key, error.message) }
                return text
            }, show: { SettingValue.Raw.string($0).description })
    }

    static func integer(
        _ key: String, option: String, live: Bool, range: ClosedRange<Int>, _ path: WritableKeyPath<Settings, Int> & Sendable
    ) -> SettingDefinition {
        field(
            key, option: option, live: live, path, parse: { value throws(SettingsError) in try value.integer(key, in: range) },
            show: { String($0) })
    }

    static func seconds(
        _ key: String, option: String, live: Bool, range: ClosedRange<Double>,
        _ path: WritableKeyPath<Settings, Duration> & Sendable
    ) -> SettingDefinition {
        field(
            key, option: option, live: live, path, parse: { value throws(SettingsError) in try value.seconds(key, in: range) },
            show: { String($0.inSeconds) })
    }

    /// One of a fixed set of names.
    static func choice<Value: RawRepresentable & CaseIterable & Sendable>(
        _ key: String, option: String, live: Bool, _ path: WritableKeyPath<Settings, Value> & Sendable
    ) -> SettingDefinition where Value.RawValue == String {
        field(
            key, option: option, live: live, path, parse: { value throws(SettingsError) in try value.choice(key, Value.self) },
            show: { "\"\($0.rawValue)\"" })
    }
}
