import ServiceLifecycle

/// Runs a pipeline as a service: a graceful shutdown (SIGTERM, SIGINT) makes it drain and
/// stop in order (consumer, pool, producer) before `run` returns.
public struct PipelineService: Service {
    let pipeline: Pipeline

    /// Wraps `pipeline`.
    public init(pipeline: Pipeline) {
        self.pipeline = pipeline
    }

    public func run() async throws {
        try await withStopHandler {
            try await pipeline.run()
        } onStop: {
            pipeline.requestStop()
        }
    }
}
