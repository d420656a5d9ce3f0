import Foundation
import Glibc
import SluiceSupport
import Supervisor

extension Benchmark {
    /// The demo's variables for a row with topics and a group of its own.
    func environment(for slug: String, input: String) -> [String: String] {
        [
            "KAFKA_BROKER": cluster.brokers, "INPUT_TOPIC": input, "GROUP_ID": "bench-\(slug)",
            "SUCCESS_TOPIC": "bench-\(slug)-success", "TRANSIENT_FAILURE_TOPIC": "bench-\(slug)-transient",
            "PERMANENT_FAILURE_TOPIC": "bench-\(slug)-permanent",
        ]
    }

    /// Runs one subject through the whole backlog: its steady throughput, CPU and memory,
    /// then every output read back and counted by id.
    func measureThroughput(_ benchCase: BenchCase, slug: String, backlog: BenchBacklog) -> BenchRow {
        var row = BenchRow(name: benchCase.name, messages: backlog.messages)
        let variables = environment(for: slug, input: backlog.topic).merging(benchCase.environment) { $1 }
        let outputs = ["SUCCESS_TOPIC", "TRANSIENT_FAILURE_TOPIC", "PERMANENT_FAILURE_TOPIC"].map { variables[$0]! }
        let total = backlog.messages
        do {
            // Twice the input's partitions: the mock broker keeps at most 5 MiB a partition,
            // and outputs can be larger than their inputs (the validator rewrites values).
            let outputPartitions = backlog.partitions * 2
            try cluster.createTopics(outputs, partitions: outputPartitions)
            let subject = try SpawnedProcesses(
                commands: benchCase.commands, environment: variables, logPath: "\(options.logDirectory)/\(slug).log")
            var marks: [ContinuousClock.Instant] = []  // when 5% and 95% of the outputs were there
            var lastCount = 0
            var lastProgress = ContinuousClock.now
            // Done once every id is out, not once as many outputs as inputs are: a design
            // that repeats messages reaches the count with some still to do. Ids that
            // cannot come out because the mock dropped outputs (its retention) end the
            // wait too; the row then counts them as missing.
            var settled = false
            var nextTally = ContinuousClock.now
            var counter: OutputCounter?
            var tally: OutputTally?
            // Small backlogs (the sweeps') pass in a fraction of a second: polled more often
            // so that more of them can be timed. (The outputs' own time
            // stamps would say when each was handed to the producer, not when it was
            // written: a relay takes a small backlog into its producer's queue at once.)
            let pollInterval: Duration = total <= 200_000 ? .milliseconds(5) : .milliseconds(20)
            while !settled {
                usleep(useconds_t(pollInterval.inMilliseconds * 1000))
                let count = try cluster.messageCount(topics: outputs, partitions: outputPartitions)
                let now = ContinuousClock.now
                if count > lastCount { lastProgress = now }
                lastCount = count
                if marks.count == 0 && count >= total / 20 { marks.append(now) }
                if marks.count == 1 && count >= total - total / 20 { marks.append(now) }
                if count >= total && now >= nextTally {
                    nextTally = now + .seconds(1)
                    if counter == nil {
                        counter = try OutputCounter(cluster, topics: outputs, partitions: outputPartitions, expected: total)
                    }
                    let latest = try counter!.update()
                    tally = latest
                    settled = latest.missing <= latest.unreadable
                }
                guard subject.isRunning, now - lastProgress < .seconds(60) else { break }
            }
            let usage = subject.usage()
            let stoppedCleanly = subject.stop()
            guard settled, marks.count == 2 else {
                let repeats = lastCount >= total ? ", counting repeats; some ids never came out" : ""
                let reading = [tally?.shortfall, counter?.readerError.map { "the reader's last error: \($0)" }].compactMap { $0 }
                let details = reading.isEmpty ? "" : " (\(reading.joined(separator: "; ")))"
                row.failure = "stalled at \(lastCount) of \(total) outputs\(repeats)\(details); see \(subject.logPath)"
                return row
            }
            // A window shorter than ten polls is too coarse to time.
            let window = marks[1] - marks[0]
            row.messagesPerSecond = window >= pollInterval * 10 ? Double(total - 2 * (total / 20)) / window.inSeconds : nil
            row.cpuPer100k = (usage.cpuSeconds * 100_000 / Double(total), usage.descendantCPUSeconds * 100_000 / Double(total))
            row.peakResidentBytes = usage.peakResidentBytes
            // What came out after the last look (a late repeat) is read now, and only that.
            let final = try counter!.update()
            row.outputs = (
                final.perTopic[outputs[0]] ?? 0, final.perTopic[outputs[1]] ?? 0, final.perTopic[outputs[2]] ?? 0,
                final.missing + final.unreadable, final.duplicates
            )
            if !stoppedCleanly { row.failure = "did not stop cleanly; see \(subject.logPath)" }
        } catch {
            row.failure = "\(error)"
        }
        return row
    }
}
