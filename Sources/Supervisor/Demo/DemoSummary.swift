import Logging
import ServiceLifecycle

/// Logs the demo's summary line every 5 seconds: what was produced, the pipeline's
/// counters, and what each sink topic received.
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
            // A log line like any other: one write on stderr, so no other line splits it.
            let sunk = sinks.countsByTopic.map { (key: "sink.\($0.key)", value: "\($0.value)") }
            let fields = [(key: "produced", value: "\(producer.produced)")] + current.summary(since: previous, seconds: 5) + sunk
            logger.info("summary", metadata: .init(fields))
            previous = current
        }
    }
}
