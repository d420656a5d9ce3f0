import ServiceLifecycle

/// Runs `operation` and calls `stop` on a graceful shutdown (SIGTERM, SIGINT) and on
/// cancellation alike. A service group cancels every service when one of them throws (a
/// stop that fell short, a fatal Kafka error), and a service whose work waits on a thread
/// or a future of its own would never hear of it: the group, and so the process, would
/// wait for it forever.
func withStopHandler<T: Sendable>(
    _ operation: () async throws -> T, onStop stop: @escaping @Sendable () -> Void
) async rethrows -> T {
    try await withTaskCancellationHandler {
        try await withGracefulShutdownHandler(operation: operation, onGracefulShutdown: stop)
    } onCancel: {
        stop()
    }
}
