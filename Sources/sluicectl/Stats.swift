import ArgumentParser
import SluiceControl

struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show throughput, verdict counts, latency percentiles, retries and lag per partition.")
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        try connection.run(.stats) { response in
            response.stats.map(StatsTable.render) ?? ""
        }
    }
}
