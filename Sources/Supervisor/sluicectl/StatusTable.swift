import Foundation
import Supervisor

/// The text form of `sluicectl status`.
enum StatusTable {
    static func render(_ status: StatusReport) -> String {
        let counts = status.statistics
        var lines = [
            "sluiced \(status.version) pid \(status.pid) up \(status.uptimeSeconds)s group \(status.group) input \(status.inputTopic)",
            "partitions: \(status.partitions.isEmpty ? "none" : status.partitions.joined(separator: " "))",
            "fetching: \(status.paused ? "paused" : "running")   workers: \(status.workers.count) (target \(status.targetWorkers))",
            "consumed \(counts.consumed)  success \(counts.success)  transient \(counts.transient)  permanent \(counts.permanent)  retried \(counts.retried)  in flight \(counts.inFlight)",
            "",
        ]
        let header = ["ID", "PID", "STATE", "UPTIME", "HANDLED", "IN-FLIGHT", "RESTARTS", "LAST EXIT"]
        let rows = status.workers.map { worker in
            [
                String(worker.id), worker.pid.map(String.init) ?? "-", worker.state,
                worker.uptimeSeconds.map { "\($0)s" } ?? "-", String(worker.handled), String(worker.inFlight),
                String(worker.restarts), worker.lastExit ?? "-",
            ]
        }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        for row in [header] + rows {
            lines.append(zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  "))
        }
        return lines.joined(separator: "\n")
    }
}
