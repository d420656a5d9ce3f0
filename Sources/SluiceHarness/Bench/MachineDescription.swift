import Supervisor
import Foundation
import Glibc

/// What the bench ran on, for the report: figures only compare within one machine.
public struct MachineDescription: Sendable {
    public var lines: [String]
    /// The version of the librdkafka this process (and sluiced, by default) runs on.
    public var librdkafka = KafkaClient.librdkafkaVersion

    static func current() -> MachineDescription {
        func read(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
        func field(_ text: String, _ prefix: String) -> String? {
            text.split(separator: "\n").first { $0.hasPrefix(prefix) }.map {
                String($0.split(separator: ":", maxSplits: 1).last ?? "").trimmingCharacters(in: .whitespaces)
            }
        }
        var system = utsname()
        uname(&system)
        let release = withUnsafeBytes(of: &system.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let os = read("/etc/os-release").split(separator: "\n").first { $0.hasPrefix("PRETTY_NAME=") }
            .map { $0.dropFirst(12).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) } ?? "Linux"
        let memory = field(read("/proc/meminfo"), "MemTotal").flatMap { Int($0.split(separator: " ")[0]) }.map { "\($0 / 1_048_576) GiB" } ?? "?"
        return MachineDescription(lines: [
            "CPU: \(field(read("/proc/cpuinfo"), "model name") ?? "?"), \(sysconf(Int32(_SC_NPROCESSORS_ONLN))) cores online; memory \(memory)",
            "OS: \(os), Linux \(release)",
            "librdkafka \(KafkaClient.librdkafkaVersion) (sluiced, its tools and the mock cluster)",
            // validator.py uses orjson when it is installed: its rows depend on it.
            "Python: " + (PythonProbe.run(
                "import sys\ntry:\n import confluent_kafka as c; k = f', confluent-kafka {c.__version__} (librdkafka {c.libversion()[0]})'\nexcept ImportError: k = ', no confluent-kafka'\ntry:\n import orjson; j = f', orjson {orjson.__version__}'\nexcept ImportError: j = ', no orjson (the standard json)'\nprint(sys.version.split()[0] + k + j)"
            ) ?? "not found"),
        ])
    }
}
