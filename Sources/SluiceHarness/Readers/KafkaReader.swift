import Foundation

/// What the tests and `make chaos` read from Kafka to judge sluiced, through
/// Tests/SupervisorTests/Readers/kafka_reader.py: a client that is not sluiced's
/// (confluent-kafka), parsing ids and headers from the raw bytes, so a defect in sluiced's
/// own consumer or header code cannot vouch for itself.
package struct KafkaReader {
    package let brokers: String
    /// The path of kafka_reader.py.
    package let script: String

    package init(brokers: String, script: String) {
        self.brokers = brokers
        self.script = script
    }

    package struct ReaderError: Error, CustomStringConvertible {
        package let description: String

        package init(description: String) {
            self.description = description
        }
    }

    /// Each partition's end offset (high watermark), by topic; -1 where the partition's
    /// leader did not answer within 5 s.
    package func ends(_ topics: [(String, Int32)]) throws -> [String: [Int64]] {
        let parsed = try JSONSerialization.jsonObject(with: run(["ends", brokers] + specs(topics)))
        guard let ends = parsed as? [String: [NSNumber]] else { throw ReaderError(description: "ends: \(parsed)") }
        return ends.mapValues { $0.map(\.int64Value) }
    }

    /// `group`'s committed offset of each partition of `topic` (-1 where none).
    package func committed(group: String, topic: String, partitions: Int32) throws -> [Int64] {
        let parsed = try JSONSerialization.jsonObject(with: run(["committed", brokers, group] + specs([(topic, partitions)])))
        guard let offsets = parsed as? [NSNumber] else { throw ReaderError(description: "committed: \(parsed)") }
        return offsets.map(\.int64Value)
    }

    /// Every record of `topics` below the end offsets they have when the read begins;
    /// throws when they cannot all be read within `timeout`.
    package func read(_ topics: [(String, Int32)], timeout: Duration = .seconds(60)) throws -> [OutputMessage] {
        let output = try run(["read", brokers, "\(timeout.components.seconds)"] + specs(topics))
        return try output.split(separator: UInt8(ascii: "\n")).map { line in
            guard let record = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                let topic = record["topic"] as? String, let partition = record["partition"] as? NSNumber,
                let offset = record["offset"] as? NSNumber, let timestamp = record["timestamp"] as? NSNumber,
                let headers = record["headers"] as? [[Any]]
            else { throw ReaderError(description: "a record it could not parse: \(String(decoding: line, as: UTF8.self))") }
            return OutputMessage(
                topic: topic, partition: partition.int32Value, offset: offset.int64Value, timestamp: timestamp.int64Value,
                key: Self.bytes(record["key"]), value: Self.bytes(record["value"]),
                headers: headers.map { pair in ((pair.first as? String) ?? "", Self.bytes(pair.last)) })
        }
    }

    private static func bytes(_ field: Any?) -> [UInt8]? {
        (field as? String).flatMap { Data(base64Encoded: $0) }.map { Array($0) }
    }

    private func specs(_ topics: [(String, Int32)]) -> [String] {
        topics.map { "\($0.0):\($0.1)" }
    }

    private func run(_ arguments: [String]) throws -> Data {
        // Bounded: a test waits on it, and a broker may be slowed down on purpose. SIGKILL:
        // the test process blocks SIGTERM, and its children inherit the mask.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        process.arguments = ["-s", "KILL", "180", "python3", script] + arguments
        let output = Pipe()
        // Its errors go to a file, read at the end: a pipe read after the output could
        // fill up and stall it.
        let errorPath = FileManager.default.temporaryDirectory.appendingPathComponent("kafka-reader-\(UUID().uuidString).err").path
        _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: errorPath) }
        process.standardOutput = output
        process.standardError = FileHandle(forWritingAtPath: errorPath)
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let error = (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? ""
            throw ReaderError(description: "kafka_reader.py \(arguments.first ?? "") failed (\(process.terminationStatus)): \(error.suffix(600))")
        }
        return data
    }
}

/// A record read back from Kafka.
package struct OutputMessage {
    package let topic: String
    package let partition: Int32
    package let offset: Int64
    /// The Kafka timestamp, milliseconds since the epoch.
    package let timestamp: Int64
    package let key: [UInt8]?
    package let value: [UInt8]?
    package let headers: [(String, [UInt8]?)]

    package func header(_ name: String) -> String? {
        headers.last { $0.0 == name }?.1.map { String(decoding: $0, as: UTF8.self) }
    }

    /// The id the tests give each message (header `id`).
    package var id: String? { header("id") }

    package func integerHeader(_ name: String) -> Int64? { header(name).flatMap { Int64($0) } }
}
