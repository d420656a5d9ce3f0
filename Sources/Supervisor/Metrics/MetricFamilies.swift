/// What each metric family means, for the `# HELP` line Prometheus shows beside it.
/// swift-metrics instruments carry no help text, so `/metrics` adds these lines to what
/// the registry writes; a family missing here is a test failure, not a silent gap.
enum MetricFamilies {
    static let help: [String: String] = [
        "sluice_build_info": "Always 1; the version label is sluiced's.",
        "sluice_messages_consumed_total": "Messages taken from the input topic.",
        "sluice_verdicts_total": "Verdicts delivered to the output topics, by verdict.",
        "sluice_dead_letters_total": "Messages delivered to the permanent-failure topic, by what failed them (sluice.source).",
        "sluice_produce_errors_total": "Outputs librdkafka refused to enqueue or failed to deliver; each is produced again or dead-lettered.",
        "sluice_protocol_errors_total": "Plugin answers that broke the protocol.",
        "sluice_retries_scheduled_total": "Transient failures sent to the transient-failure topic.",
        "sluice_retries_published_total": "Held transient failures published back to the input topic by the retrier.",
        "sluice_retries_exhausted_total": "Messages dead-lettered because their attempts ran out.",
        "sluice_retries_waiting": "Transient failures the retrier holds until they are due.",
        "sluice_worker_restarts_total": "Plugin processes started again, by why the previous one ended.",
        "sluice_processing_seconds": "From taking a message from the input to its verdict delivered to Kafka.",
        "sluice_plugin_seconds": "From writing a request to a plugin to reading its answer.",
        "sluice_in_flight_messages": "Messages held now: queued, at a worker, or being produced.",
        "sluice_fetch_paused": "1 while fetching is paused (the pool gave no verdict for a while, or sluicectl pause).",
        "sluice_workers": "Worker slots by state.",
        "sluice_consumer_lag_messages": "Messages not yet finished in an assigned input partition.",
        "sluice_partition_stalled_seconds": "How long a partition's commit position has stood still while it holds messages.",
        "process_cpu_seconds_total": "User and system CPU time spent by sluiced, in seconds.",
        "process_resident_memory_bytes": "Resident memory of sluiced, in bytes.",
        "process_open_fds": "File descriptors sluiced has open.",
    ]

    /// `exposition` with a `# HELP` line before each family's `# TYPE` line.
    static func withHelp(_ exposition: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(exposition.count + 4096)
        for line in exposition.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            if line.starts(with: Array("# TYPE ".utf8)) {
                let name = String(decoding: line.dropFirst(7).prefix { $0 != UInt8(ascii: " ") }, as: UTF8.self)
                if let text = help[name] { result += Array("# HELP \(name) \(text)\n".utf8) }
            }
            result += line
            result.append(UInt8(ascii: "\n"))
        }
        result.removeLast()  // the split's last piece had no newline after it
        return result
    }
}
