import Logging
import ServiceLifecycle

/// Prints the demo's `key=value` summary line every 5 seconds.
struct DemoSummary: Service {
    let pipeline: Pipeline
    let producer: MeasurementProducer
    let sinks: DemoSinks
    let logger: Logger

    func run() async throws {
        var previous = pipeline.statistics
        while !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(5)) }
            } catch {
                return
            }
            let current = pipeline.statistics
            let sunk = sinks.countsByTopic.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " ")
            print("summary produced=\(producer.produced) \(current.summary(since: previous, seconds: 5)) sinks: \(sunk)")
            previous = current
        }
    }
}
