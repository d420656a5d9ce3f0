import Logging

/// Logging for `sluice-bench` and `sluice-chaos`: critical messages only. They report
/// their own failures; librdkafka's complaints about faults injected on purpose, or about
/// the mock cluster going away at the end, are noise.
public enum QuietLogging {
    public static func bootstrap() {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .critical
            return handler
        }
    }
}
