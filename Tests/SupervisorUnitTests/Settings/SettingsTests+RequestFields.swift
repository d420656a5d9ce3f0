import PluginProtocol
import Testing

@testable import Supervisor

/// `plugin.request_fields`: every field by default, a list in the file (whose entries may
/// be comma-separated too), comma-separated on the command line or in
/// SLUICE_PLUGIN_REQUEST_FIELDS, an unknown name refused with the
/// names there are.
extension SettingsTests {
    @Test func requestFieldsSpellings() throws {
        let plugin: [String: SettingValue.Raw] = ["plugin.command": .strings(["cat"])]
        #expect(try resolve(complete, commandLine: plugin).requestFields == .all)
        #expect(try resolve(complete, file: "[plugin]\nrequest_fields = [\"value\", \"key\"]\n", commandLine: plugin).requestFields == .key)
        #expect(try resolve(complete, file: "[plugin]\nrequest_fields = []\n", commandLine: plugin).requestFields == [])
        // Read as pipeline.input_topics is: an entry of the array may list several.
        let listed = try resolve(complete, file: "[plugin]\nrequest_fields = [\"key, headers\", \" value\"]\n", commandLine: plugin)
        #expect(listed.requestFields == [.key, .headers])
        var commandLine = plugin
        commandLine["plugin.request_fields"] = .string("offset, headers")
        #expect(try resolve(complete, commandLine: commandLine).requestFields == [.offset, .headers])
        var environment = complete
        environment["SLUICE_PLUGIN_REQUEST_FIELDS"] = "topic,value"
        #expect(try resolve(environment, commandLine: plugin).requestFields == .topic)
        let failure = error(complete, file: "[plugin]\nrequest_fields = [\"value\", \"body\"]\n", commandLine: plugin) ?? "accepted"
        #expect(failure.contains("line 2: plugin.request_fields: unknown request field \"body\" (fields: id, topic,"), "\(failure)")
    }
}
