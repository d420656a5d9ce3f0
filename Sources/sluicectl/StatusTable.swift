import Foundation
import SluiceControl

/// The text form of `sluicectl status`: the daemon, then the worker table.
enum StatusTable {
    static func render(_ status: StatusReport) -> String {
        (summary(status) + [""] + workers(status)).joined(separator: "\n")
    }

    static func summary(_ status: StatusReport) -> [String] {
        let counts = status.statistics
        let stalled = (status.stalledPartitions ?? []).isEmpty
            ? [] : ["commit stalled: \(status.stalledPartitions!.joined(separator: " "))   (sluicectl stats shows them)"]
        return [
            "sluiced \(status.version) pid \(status.pid) up \(Uptime.text(seconds: status.uptimeSeconds)) group \(status.group) input \(status.inputTopic)",
            "partitions: \(status.partitions.isEmpty ? "none" : status.partitions.joined(separator: " "))   lag: \(status.lag.map(String.init) ?? "unknown")",
            "fetching: \(status.paused ? "paused" : "running")   protocol: \(status.protocolKind)   "
                + (status.execRunning.map { "processes: \($0) running (at most \(status.targetWorkers) at once)" }
                    ?? "workers: \(status.workers.count) (target \(status.targetWorkers))"),
            "consumed \(counts.consumed)  success \(counts.success)  transient \(counts.transient)  permanent \(counts.permanent)  dropped \(counts.dropped)  retried \(counts.retried)  in flight \(counts.inFlight)",
        ] + stalled
    }

    static func workers(_ status: StatusReport) -> [String] {
        TextColumns.render(
            header: ["ID", "PID", "STATE", "UPTIME", "HANDLED", "IN-FLIGHT", "RESTARTS", "LAST EXIT"],
            rows: status.workers.map { worker in
                [
                    String(worker.id), worker.pid.map(String.init) ?? "-", worker.state,
                    worker.uptimeSeconds.map { Uptime.text(seconds: $0) } ?? "-", String(worker.handled), String(worker.inFlight),
                    String(worker.restarts), worker.lastExit ?? "-",
                ]
            })
    }
}
