import Foundation
import SluiceControl
import SluiceHarness
import Testing

@testable import Supervisor

/// Messages routed by `route`, with extra headers.
func retryMessages(_ count: Int, prefix: String, route: String, headers: [(String, String)] = []) -> [TestMessage] {
    (0..<count).map { index in
        TestMessage(
            id: "\(prefix)\(index)", key: Array("key-\(index % 4)".utf8), value: Array("payload \(index)".utf8),
            headers: [("route", Array(route.utf8))] + headers.map { ($0.0, Array($0.1.utf8)) })
    }
}

/// 30 messages routed permanent, with the reasons bad-A, bad-B and other in turn.
func deadLetterMessages(prefix: String) -> [TestMessage] {
    (0..<30).map { index in
        TestMessage(
            id: "\(prefix)\(index)", key: Array("k\(index % 3)".utf8), value: Array("v\(index)".utf8),
            headers: [("route", Array("permanent".utf8)), ("reason", Array(["bad-A", "bad-B", "other"][index % 3].utf8))])
    }
}

extension SluicedTests {
    /// Transient until attempt 3: each message ends in success on attempt 3, after two
    /// trips through the transient topic, and each retry was published no earlier than the
    /// due time its failure set.
    @Test func transientUntilThirdAttemptSucceedsNoEarlierThanDue() async throws {
        let cluster = try TestCluster()
        let sent = retryMessages(30, prefix: "until3-", route: "transient-until-3")
        try cluster.produce(sent)
        let sluiced = try SluicedProcess(
            cluster: cluster, arguments: ["--retry-delay", "0.5"], plugin: SluicedProcess.pythonPlugin("route_plugin.py"),
            retrier: true)
        defer { sluiced.killIfRunning() }
        let outputs = try cluster.collectOutputs(expected: sent.count * 3)
        let successes = Dictionary(grouping: outputs.filter { $0.topic == cluster.success }, by: { $0.id ?? "" })
        let failures = Dictionary(grouping: outputs.filter { $0.topic == cluster.transient }, by: { $0.id ?? "" })
        #expect(outputs.filter { $0.topic == cluster.permanent }.isEmpty)
        let copies = Dictionary(grouping: try cluster.collectInput(expected: sent.count * 3), by: { $0.id ?? "" })
        for message in sent {
            #expect(successes[message.id]?.count == 1, "\(message.id): one success")
            #expect(successes[message.id]?.first?.header("sluice.attempt") == "3")
            #expect(successes[message.id]?.first?.header("sluice.reason") == nil, "per-failure headers dropped on retry")
            let failed = (failures[message.id] ?? []).sorted { ($0.header("sluice.attempt") ?? "") < ($1.header("sluice.attempt") ?? "") }
            #expect(failed.map { $0.header("sluice.attempt") } == ["1", "2"], "\(message.id): failed attempts")
            for failure in failed {
                let attempt = Int(failure.header("sluice.attempt") ?? "0")! + 1
                guard let due = failure.integerHeader("sluice.retry.due"),
                    let copy = copies[message.id]?.first(where: { $0.header("sluice.attempt") == String(attempt) })
                else {
                    Issue.record("\(message.id): attempt \(attempt) was not republished with a due time")
                    continue
                }
                #expect(copy.timestamp >= due, "\(message.id): attempt \(attempt) published \(due - copy.timestamp) ms early")
                #expect(failure.header("sluice.source") == "plugin" && failure.header("sluice.group") == cluster.group)
            }
        }
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForExit() == 0)
    }

    /// Always transient: after max-attempts the message is dead-lettered as "retries
    /// exhausted", with the first failure's context and the original position kept.
    @Test func alwaysTransientEndsAsRetriesExhausted() async throws {
        let cluster = try TestCluster()
        let sent = retryMessages(20, prefix: "never-", route: "transient")
        try cluster.produce(sent)
        let originals = Dictionary(grouping: try cluster.collectInput(expected: sent.count, timeout: .seconds(30)), by: { $0.id ?? "" })
        // Read before sluiced runs, so these are the originals only: every one, or the
        // position checks below would have nothing to compare.
        try #require(originals.count == sent.count && originals.values.allSatisfy { $0.count == 1 }, "\(originals.count) originals read")
        let sluiced = try SluicedProcess(
            cluster: cluster, arguments: ["--max-attempts", "3", "--retry-delay", "0.2"],
            plugin: SluicedProcess.pythonPlugin("route_plugin.py"), retrier: true)
        defer { sluiced.killIfRunning() }
        let outputs = try cluster.collectOutputs(expected: sent.count * 3)
        let dead = Dictionary(grouping: outputs.filter { $0.topic == cluster.permanent }, by: { $0.id ?? "" })
        #expect(outputs.filter { $0.topic == cluster.success }.isEmpty)
        #expect(outputs.filter { $0.topic == cluster.transient }.count == sent.count * 2)
        for message in sent {
            #expect(dead[message.id]?.count == 1, "\(message.id): dead-lettered once")
            guard let letter = dead[message.id]?.first, let original = originals[message.id]?.first else {
                Issue.record("\(message.id): no dead letter to check")
                continue
            }
            #expect(letter.header("sluice.reason") == "retries exhausted after 3 attempts: routed transient by header")
            #expect(letter.header("sluice.source") == "retries-exhausted")
            #expect(letter.header("sluice.verdict") == "permanent")
            #expect(letter.header("sluice.attempt") == "3")
            #expect(letter.header("sluice.original.offset") == String(original.offset), "first position kept")
            #expect(letter.header("sluice.original.partition") == String(original.partition))
            #expect(letter.header("sluice.original.topic") == cluster.input)
            #expect(letter.header("sluice.plugin")?.contains("route_plugin.py") == true)
            #expect(letter.header("sluice.worker") != nil)
            let first = letter.integerHeader("sluice.first-failure.time") ?? .max
            #expect(first <= (letter.integerHeader("sluice.failure.time") ?? 0))
            #expect(letter.value == message.value && letter.key == message.key)
            #expect(letter.header("custom") == nil && letter.header("route") == "transient", "original headers kept")
        }
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForExit() == 0)
    }

    /// One partition, one key: a long delay first, short ones behind it. The short ones
    /// are retried and succeed long before the long one is due.
    @Test func longDelayDoesNotHoldBackShortOnes() async throws {
        let cluster = try TestCluster(inputPartitions: 1)
        var sent = [TestMessage(id: "long", key: Array("k".utf8), value: Array("l".utf8), headers: [
            ("route", Array("transient-until-2".utf8)), ("retry-after", Array("8000".utf8)),
        ])]
        sent += (0..<5).map { index in
            TestMessage(id: "short\(index)", key: Array("k".utf8), value: Array("s".utf8), headers: [
                ("route", Array("transient-until-2".utf8)), ("retry-after", Array("300".utf8)),
            ])
        }
        try cluster.produce(sent)
        let sluiced = try SluicedProcess(cluster: cluster, plugin: SluicedProcess.pythonPlugin("route_plugin.py"), retrier: true)
        defer { sluiced.killIfRunning() }
        let outputs = try cluster.collectOutputs(expected: sent.count * 2)
        let longDue = outputs.first { $0.id == "long" && $0.topic == cluster.transient }?.integerHeader("sluice.retry.due")
        #expect(longDue != nil)
        let successes = outputs.filter { $0.topic == cluster.success }
        #expect(Set(successes.compactMap(\.id)) == Set(sent.map(\.id)))
        for success in successes where success.id != "long" {
            #expect(success.timestamp < (longDue ?? 0) - 4000, "\(success.id ?? ""): held back behind the long delay")
        }
        #expect((successes.first { $0.id == "long" }?.timestamp ?? 0) >= (longDue ?? .max))
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForExit() == 0)
    }

    /// The retrier stopped while it holds messages and started again: nothing is lost and
    /// the due times still hold. The stop writes each held failure back to its transient
    /// partition once, due time unchanged.
    @Test func retrierRestartedMidWaitKeepsDueTimes() async throws {
        let cluster = try TestCluster()
        let sent = retryMessages(12, prefix: "wait-", route: "transient-until-2", headers: [("retry-after", "4000")])
        try cluster.produce(sent)
        let plugin = SluicedProcess.pythonPlugin("route_plugin.py")
        let first = try SluicedProcess(cluster: cluster, plugin: plugin, retrier: true)
        defer { first.killIfRunning() }
        let failed = try cluster.collectOutputs(expected: sent.count, timeout: .seconds(60))
        #expect(failed.filter { $0.topic == cluster.transient }.count == sent.count)
        first.signal(SIGTERM)
        #expect(try await first.waitForExit() == 0)
        #expect(try cluster.reader.ends([(cluster.success, TestCluster.outputPartitions)])[cluster.success]?.allSatisfy { $0 == 0 } == true, "no retry was due before the stop")

        let second = try SluicedProcess(cluster: cluster, plugin: plugin, retrier: true)
        defer { second.killIfRunning() }
        let outputs = try cluster.collectOutputs(expected: sent.count * 3)
        let transientCopies = outputs.filter { $0.topic == cluster.transient }
        #expect(transientCopies.count == sent.count * 2, "each held failure handed back once at the stop")
        let duesByID = Dictionary(
            grouping: transientCopies.compactMap { output in
                output.id.flatMap { id in output.integerHeader("sluice.retry.due").map { (id, $0) } }
            }, by: \.0
        ).mapValues { Set($0.map(\.1)) }
        #expect(duesByID.values.allSatisfy { $0.count == 1 }, "a handed-back copy keeps its due time: \(duesByID)")
        let dues = duesByID.compactMapValues(\.first)
        let successes = outputs.filter { $0.topic == cluster.success }
        #expect(Set(successes.compactMap(\.id)) == Set(sent.map(\.id)) && successes.count == sent.count)
        for success in successes {
            #expect(success.timestamp >= dues[success.id ?? ""] ?? .max, "\(success.id ?? ""): retried before due")
        }
        second.signal(SIGTERM)
        #expect(try await second.waitForExit() == 0)
    }

    /// A plugin that hangs, or crashes, on one message every time: that message is
    /// dead-lettered with the right reason and context; every other message succeeds and
    /// the workers recover.
    @Test(arguments: [
        ("hang", "timed out: no answer within 2.0 seconds", "timeout"),
        ("crash", "plugin crashed while processing", "crash"),
    ])
    func poisonMessageIsDeadLettered(mode: String, reason: String, source: String) async throws {
        let cluster = try TestCluster()
        var sent = retryMessages(40, prefix: "\(mode)-", route: "success")
        for index in [7, 23] { sent[index].headers.append(("trap", Array("yes".utf8))) }
        try cluster.produce(sent)
        let sluiced = try SluicedProcess(
            cluster: cluster, arguments: ["--workers", "2", "--message-timeout", "2"],
            plugin: SluicedProcess.pythonPlugin("route_plugin.py"),
            pluginEnvironment: ["TRAP_MODE": mode, "TRAP_ALWAYS": "1", "HANG_MS": "600000"])
        defer { sluiced.killIfRunning() }
        let accounting = Accounting(try cluster.collectOutputs(expected: sent.count))
        #expect(accounting.missing(sent).isEmpty, "missing: \(accounting.missing(sent))")
        #expect(accounting.duplicated.isEmpty, "duplicated: \(accounting.duplicated)")
        let origins = try cluster.inputPositions()
        for (index, message) in sent.enumerated() {
            guard let output = accounting.byID[message.id]?.first else { continue }
            if [7, 23].contains(index) {
                #expect(output.topic == cluster.permanent, "\(message.id) dead-lettered")
                #expect(output.hasOrigin(origins[message.id], in: cluster), "\(message.id): its input's place")
                #expect(output.header("sluice.reason") == reason)
                #expect(output.header("sluice.source") == source)
                #expect(output.header("sluice.exit") != nil)
                if mode == "crash" {
                    #expect(output.header("sluice.exit") == "exit status 3")
                    #expect(output.header("sluice.stderr")?.contains("trap crash on \(message.id)") == true)
                }
            } else {
                #expect(output.topic == cluster.success, "\(message.id) succeeded")
            }
        }
        #expect(sluiced.output.contains("poison message dead-lettered"))
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForExit() == 0)
    }
}

extension SluicedTests {
    /// A value over the frame limit never reaches a plugin, and an output the broker
    /// refuses (here: over `message.max.bytes`) sends the original to the dead letter
    /// topic; both with a reason that says why, and nothing else is held up.
    @Test func tooLargeAndUnproducibleAreDeadLettered() async throws {
        let cluster = try TestCluster()
        var sent = simpleMessages(30, prefix: "size-", routes: ["success"])
        // Binary: base64 makes a 49,500-byte value a frame over 64 KiB, while it fits in Kafka.
        sent[4].value = (0..<49_500).map { UInt8(truncatingIfNeeded: $0 * 7 + 128) }
        // Doubled by the plugin: 62 KB, over message.max.bytes; the original fits.
        sent[9].value = [UInt8](repeating: UInt8(ascii: "b"), count: 31_000)
        sent[9].headers.append(("replace", Array("double".utf8)))
        try cluster.produce(sent)
        let sluiced = try SluicedProcess(
            cluster: cluster, arguments: ["--max-frame-bytes", "65536", "-X", "message.max.bytes=60000"],
            plugin: SluicedProcess.pythonPlugin("route_plugin.py"))
        defer { sluiced.killIfRunning() }
        let accounting = Accounting(try cluster.collectOutputs(expected: sent.count))
        #expect(accounting.missing(sent).isEmpty && accounting.duplicated.isEmpty)
        let origins = try cluster.inputPositions()
        let tooLarge = accounting.byID["size-4"]?.first
        #expect(tooLarge?.hasOrigin(origins["size-4"], in: cluster) == true, "its input's place")
        #expect(tooLarge?.topic == cluster.permanent)
        #expect(tooLarge?.header("sluice.source") == "too-large")
        #expect(tooLarge?.header("sluice.reason")?.hasSuffix("over the frame limit of 65536 bytes") == true)
        #expect(tooLarge?.value == sent[4].value)
        let refused = accounting.byID["size-9"]?.first
        #expect(refused?.hasOrigin(origins["size-9"], in: cluster) == true, "its input's place")
        #expect(refused?.topic == cluster.permanent)
        #expect(refused?.header("sluice.source") == "unproducible")
        #expect(refused?.header("sluice.reason")?.hasPrefix("the broker refused the output to \(cluster.success)") == true)
        #expect(refused?.value == sent[9].value, "the original bytes, which fit")
        for message in sent where !["size-4", "size-9"].contains(message.id) {
            #expect(accounting.byID[message.id]?.first?.topic == cluster.success)
        }
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForExit() == 0)
    }
}

extension SluicedTests {
    /// `sluiced replay` with a filter: a dry run counts and publishes nothing; the replay
    /// publishes exactly the matching dead letters back to the input, attempt reset; run
    /// again, it resumes and publishes nothing more.
    @Test func replayPublishesExactlyTheFilteredDeadLetters() async throws {
        let cluster = try TestCluster()
        let sent = deadLetterMessages(prefix: "dead-")
        try cluster.produce(sent)
        let sluiced = try SluicedProcess(cluster: cluster, plugin: SluicedProcess.pythonPlugin("route_plugin.py"))
        defer { sluiced.killIfRunning() }
        #expect(try cluster.collectOutputs(expected: sent.count).filter { $0.topic == cluster.permanent }.count == sent.count)
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForExit() == 0)

        // The same filter as the replay: a dry run must not move the replay's position.
        for _ in 0..<2 {
            let dryRun = try await SluicedProcess.replay(cluster: cluster, arguments: ["--reason", "bad-A", "--source", "plugin", "--dry-run"])
            #expect(dryRun.status == 0)
            #expect(dryRun.output.contains("scanned=30 matched=10 published=0"), "\(dryRun.output)")
        }
        #expect(try cluster.reader.ends([(cluster.input, cluster.inputPartitions)])[cluster.input]?.reduce(0, +) == Int64(sent.count), "a dry run publishes nothing")

        let replay = try await SluicedProcess.replay(cluster: cluster, arguments: ["--reason", "bad-A", "--source", "plugin"])
        #expect(replay.status == 0)
        #expect(replay.output.contains("scanned=30 matched=10 published=10"), "\(replay.output)")
        let input = try cluster.collectInput(expected: sent.count + 10)
        let origins = try cluster.inputPositions()
        let replayed = input.filter { $0.header("sluice.replayed.time") != nil }
        let expected = sent.enumerated().filter { $0.offset % 3 == 0 }.map(\.element)
        #expect(replayed.count == 10 && Set(replayed.compactMap(\.id)) == Set(expected.map(\.id)))
        for copy in replayed {
            let original = sent.first { $0.id == copy.id }
            #expect(copy.header("sluice.attempt") == nil && copy.header("sluice.reason") == nil, "attempt and failure reset")
            #expect(copy.hasOrigin(origins[copy.id ?? ""], in: cluster), "provenance kept: the original's place")
            #expect(copy.key == original?.key && copy.value == original?.value && copy.header("reason") == "bad-A")
        }

        let again = try await SluicedProcess.replay(cluster: cluster, arguments: ["--reason", "bad-A", "--source", "plugin"])
        #expect(again.status == 0 && again.output.contains("scanned=0 matched=0 published=0"), "\(again.output)")
        let badTime = try await SluicedProcess.replay(cluster: cluster, arguments: ["--from", "yesterday"])
        #expect(badTime.status == 64, "a bad time is a usage error")
    }
}

extension SluicedTests {
    /// The retrier scaled on its own: a pipeline with `--retrier off` and a separate
    /// `sluiced --retrier only` (no plugin) together retry messages to success.
    @Test func retrierRunsAsItsOwnProcess() async throws {
        let cluster = try TestCluster()
        let sent = retryMessages(20, prefix: "apart-", route: "transient-until-2")
        try cluster.produce(sent)
        let pipeline = try SluicedProcess(
            cluster: cluster, arguments: ["--retry-delay", "0.2"], plugin: SluicedProcess.pythonPlugin("route_plugin.py"))
        defer { pipeline.killIfRunning() }
        let retrier = try SluicedProcess(cluster: cluster, arguments: ["--retrier", "only"], plugin: [])
        defer { retrier.killIfRunning() }
        let outputs = try cluster.collectOutputs(expected: sent.count * 2)
        let successes = outputs.filter { $0.topic == cluster.success }
        #expect(successes.count == sent.count && Set(successes.compactMap(\.id)) == Set(sent.map(\.id)))
        #expect(successes.allSatisfy { $0.header("sluice.attempt") == "2" })
        #expect(retrier.output.contains("retrier partitions assigned"))
        #expect(!pipeline.output.contains("retrier partitions assigned"))
        for process in [pipeline, retrier] {
            process.signal(SIGTERM)
            #expect(try await process.waitForExit() == 0)
        }
    }
}

extension SluicedTests {
    /// `sluicectl dlq replay` asks the running daemon to replay: a dry run counts, the
    /// replay publishes exactly the matching dead letters, which the daemon processes again
    /// (here they fail again, so each returns to the permanent topic once more).
    @Test func sluicectlReplaysThroughTheRunningDaemon() async throws {
        let cluster = try TestCluster()
        let sent = deadLetterMessages(prefix: "dlq-")
        try cluster.produce(sent)
        let socket = try controlSocketPath()
        let sluiced = try SluicedProcess(
            cluster: cluster, arguments: ["--control-socket", socket], plugin: SluicedProcess.pythonPlugin("route_plugin.py"))
        defer { sluiced.killIfRunning() }
        #expect(try cluster.collectOutputs(expected: sent.count).filter { $0.topic == cluster.permanent }.count == sent.count)

        let dryRun = try sluicectl(["dlq", "replay", "--reason", "bad-B", "--dry-run", "--json", "--socket", socket])
        let counted = try JSONDecoder().decode(ControlResponse.self, from: Data(dryRun.output.utf8))
        #expect(counted.replay == ReplayProgress(scanned: 30, matched: 10, published: 0), "\(dryRun)")
        let replay = try sluicectl(["dlq", "replay", "--reason", "bad-B", "--socket", socket])
        #expect(replay.status == 0 && replay.output == "replay done: scanned=30 matched=10 published=10\n", "\(replay)")

        let outputs = try cluster.collectOutputs(expected: sent.count + 10)
        let byID = Dictionary(grouping: outputs, by: { $0.id ?? "" })
        for (index, message) in sent.enumerated() {
            let copies = byID[message.id] ?? []
            #expect(copies.allSatisfy { $0.topic == cluster.permanent })
            #expect(copies.count == (index % 3 == 1 ? 2 : 1), "\(message.id): \(copies.count) dead letters")
        }
        #expect(outputs.filter { $0.header("sluice.replayed.time") != nil }.count == 10)
        let badTime = try sluicectl(["dlq", "replay", "--from", "yesterday", "--socket", socket])
        #expect(badTime.status == 64 && badTime.error.contains("--from: \"yesterday\" is neither"), "\(badTime)")
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForExit() == 0)
    }
}

extension SluicedTests {
    /// A retry and a replayed dead letter go back to the input partition their message came
    /// from, wherever the input's producer put its key (here: a partition no hash would
    /// choose). Before, the retrier and the replay let librdkafka's partitioner (CRC32)
    /// place the key, so retried keys landed in other partitions, beside (and possibly on
    /// another daemon than) their newer messages.
    @Test func retriesAndReplaysReturnToTheOriginalPartition() async throws {
        let cluster = try TestCluster()
        let sent = (0..<240).map { index in
            let keyNumber = index % 40
            return TestMessage(
                id: "home\(index)", key: Array("key-\(keyNumber)".utf8), value: Array("payload \(index)".utf8),
                headers: [("route", Array((index % 3 == 0 ? "transient-until-2" : index % 3 == 1 ? "permanent" : "success").utf8))],
                partition: Int32((keyNumber * 3 + 1) % 4))
        }
        try cluster.produce(sent)
        let sluiced = try SluicedProcess(
            cluster: cluster, arguments: ["--retry-delay", "0.2"], plugin: SluicedProcess.pythonPlugin("route_plugin.py"), retrier: true)
        defer { sluiced.killIfRunning() }
        let retried = sent.filter { $0.route == "transient-until-2" }
        let outputs = try cluster.collectOutputs(expected: sent.count + retried.count)
        Accounting(outputs).expectNoneMissing(sent)
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForExit() == 0)

        let replay = try await SluicedProcess.replay(cluster: cluster, arguments: [])
        #expect(replay.status == 0, "\(replay.output)")
        let deadLetters = sent.filter { $0.route == "permanent" }
        let input = try cluster.collectInput(expected: sent.count + retried.count + deadLetters.count)
        let home = Dictionary(uniqueKeysWithValues: sent.map { ($0.id, $0.partition!) })
        let copies = input.filter { $0.header("sluice.attempt") != nil || $0.header("sluice.replayed.time") != nil }
        #expect(copies.count == retried.count + deadLetters.count, "every retry and replay is in the input")
        let strays = copies.filter { home[$0.id ?? ""] != $0.partition }.map { "\($0.id ?? "?") in \($0.partition)" }
        #expect(strays.isEmpty, "copies away from their message's partition: \(strays.prefix(10))")
    }
}
