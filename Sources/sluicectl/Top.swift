import ArgumentParser
import Foundation
import Glibc
import SluiceControl

struct Top: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "A live view of the stats and the worker table, refreshed every second.",
        discussion: """
            On a terminal the screen is redrawn in place (Ctrl-C ends it). When stdout is not a
            terminal each refresh is printed as plain text after a time stamp line; with --json,
            one JSON object (status and stats) per line.
            """)
    @Option(name: [.customShort("n"), .long], help: "Stop after this many refreshes (default: until interrupted).")
    var iterations: Int?

    @Option(help: "Seconds between refreshes.")
    var interval: Double = 1

    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        guard iterations.map({ $0 > 0 }) ?? true else { throw ValidationError("--iterations must be at least 1") }
        guard interval >= 0.1, interval <= 3600 else { throw ValidationError("--interval must be between 0.1 and 3600 seconds") }
    }

    func run() throws {
        let terminal = isatty(STDOUT_FILENO) == 1 && !connection.json
        var refresh = 0
        while iterations.map({ refresh < $0 }) ?? true {
            if refresh > 0 { Thread.sleep(forTimeInterval: interval) }
            refresh += 1
            let status = try connection.send(.status)
            let stats = try connection.send(.stats)
            guard let statusReport = status.status, let statsReport = stats.stats else {
                FileHandle.standardError.write(Data("sluicectl: \(status.error ?? stats.error ?? "no figures")\n".utf8))
                throw ExitCode(1)
            }
            if connection.json {
                try connection.printJSON(ControlResponse(ok: true, status: statusReport, stats: statsReport))
            } else {
                let frame = (StatusTable.summary(statusReport) + [""] + [StatsTable.render(statsReport)] + [""]
                    + StatusTable.workers(statusReport)).joined(separator: "\n")
                let stamp = ISO8601DateFormatter().string(from: Date())
                print(terminal ? "\u{1B}[H\u{1B}[2J\(stamp)\n\(frame)" : "--- \(stamp)\n\(frame)\n")
            }
            fflush(nil)  // all streams: `stdout` is not concurrency-safe to name
        }
    }
}
