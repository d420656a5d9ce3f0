import Supervisor
import Foundation

/// Asks the machine's python3 about itself and confluent-kafka, for the report and the
/// rows that need them.
enum PythonProbe {
    /// What `code` prints, trimmed; nil when python3 cannot run it.
    static func run(_ code: String) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", code]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The librdkafka that confluent-kafka's wheel bundles (a newer 2.x than Debian's), as a
    /// directory holding it as librdkafka.so.1 for LD_LIBRARY_PATH, and its version.
    static func bundledLibrdkafka(linkingInto directory: String) -> (directory: String, version: String)? {
        let code = """
            import confluent_kafka, glob, os
            libs = os.path.join(os.path.dirname(os.path.dirname(confluent_kafka.__file__)), "confluent_kafka.libs")
            print(sorted(glob.glob(os.path.join(libs, "librdkafka*.so*")))[0])
            print(confluent_kafka.libversion()[0])
            """
        guard let lines = run(code)?.split(separator: "\n"), lines.count == 2 else { return nil }
        let link = "\(directory)/librdkafka.so.1"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try? FileManager.default.removeItem(atPath: link)
        guard (try? FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: String(lines[0]))) != nil else {
            return nil
        }
        return (directory, String(lines[1]))
    }
}
