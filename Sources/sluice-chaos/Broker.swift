import ArgumentParser
import Foundation
import Supervisor

/// `sluice-chaos broker`: librdkafka's mock cluster in a process of its own, for the tests
/// that must kill the broker outright (SIGKILL: its sockets reset, nothing answers again)
/// rather than set it down, and that inject faults while a sluiced runs.
///
/// Prints `bootstrap=HOST:PORT[,...]`, then reads one command a line on standard input
/// and answers each with `ok` or `error: WHY`; exits when standard input closes.
/// The commands:
/// - `topic NAME PARTITIONS`
/// - `down BROKER`, `up BROKER`
/// - `leader TOPIC PARTITION BROKER`
/// - `coordinator GROUP BROKER`
/// - `rtt BROKER MILLISECONDS`
/// - `fail produce|commit BROKER ERROR [ERROR...]`: the next requests of that kind to
///   that broker fail with these errors (Kafka's names, such as NOT_COORDINATOR)
/// - `pending produce|commit BROKER`: answers `ok N`, the errors not yet served
struct Broker: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run librdkafka's mock cluster in a process of its own, steered on standard input (for the tests).")

    @Option(help: "Brokers in the cluster.")
    var brokers = 1

    func run() throws {
        let cluster = try MockCluster(brokers: brokers)
        Self.say("bootstrap=\(cluster.bootstrapServers)")
        while let line = readLine() {
            do {
                Self.say(try Self.perform(line.split(separator: " ").map(String.init), on: cluster))
            } catch {
                Self.say("error: \(error)")
            }
        }
    }

    /// One line to the test, at once: standard output is a pipe, fully buffered.
    private static func say(_ line: String) {
        print(line)
        fflush(nil)
    }

    struct BadCommand: Error, CustomStringConvertible {
        let description: String
    }

    private static func perform(_ words: [String], on cluster: MockCluster) throws -> String {
        func number(_ index: Int) throws -> Int32 {
            guard index < words.count, let value = Int32(words[index]) else { throw BadCommand(description: "expected a number at word \(index + 1)") }
            return value
        }
        func request(_ index: Int) throws -> MockCluster.Request {
            switch index < words.count ? words[index] : "" {
            case "produce": return .produce
            case "commit": return .offsetCommit
            default: throw BadCommand(description: "expected produce or commit")
            }
        }
        switch words.first ?? "" {
        case "topic" where words.count == 3:
            try cluster.createTopic(words[1], partitions: try number(2))
        case "down" where words.count == 2, "up" where words.count == 2:
            try cluster.setBroker(try number(1), up: words[0] == "up")
        case "leader" where words.count == 4:
            try cluster.setLeader(topic: words[1], partition: try number(2), broker: try number(3))
        case "coordinator" where words.count == 3:
            try cluster.setGroupCoordinator(group: words[1], broker: try number(2))
        case "rtt" where words.count == 3:
            try cluster.setRoundTripTime(broker: try number(1), milliseconds: try number(2))
        case "fail" where words.count >= 4:
            let errors = try words[3...].map { name in
                guard let error = MockCluster.BrokerError.named(name) else { throw BadCommand(description: "no such error: \(name)") }
                return error
            }
            try cluster.failNext(try request(1), on: try number(2), with: errors)
        case "pending" where words.count == 3:
            return "ok \(cluster.pendingErrors(try request(1), on: try number(2)))"
        default:
            throw BadCommand(description: "unknown command: \(words.joined(separator: " "))")
        }
        return "ok"
    }
}
