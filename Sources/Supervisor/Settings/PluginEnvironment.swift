/// `plugin.environment`: variables set for the plugin, `{ NAME = "value" }` in the file or
/// `--plugin-env NAME=value` (repeatable), kept as `NAME=value`, sorted by name.
enum PluginEnvironment {
    static func assignments(_ value: SettingValue) throws(SettingsError) -> [String] {
        let items = try value.strings("plugin.environment")
        var byName: [String: String] = [:]
        for item in items {
            guard let equals = item.firstIndex(of: "="), isName(item[..<equals]) else {
                throw value.fail("plugin.environment", "\"\(item)\" is not NAME=value (a name of letters, digits and _)")
            }
            byName[String(item[..<equals])] = item
        }
        return byName.sorted { $0.key < $1.key }.map(\.value)
    }

    /// A variable name a shell takes: a letter or _, then letters, digits and _.
    static func isName(_ text: Substring) -> Bool {
        guard let first = text.utf8.first, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else { return false }
        return text.utf8.allSatisfy { $0 == UInt8(ascii: "_") || (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }
    }
}
