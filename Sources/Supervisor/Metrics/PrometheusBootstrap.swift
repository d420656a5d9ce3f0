import Metrics
import Prometheus

/// Makes swift-metrics report to a Prometheus registry. Call once, before the pipeline is
/// created (its instruments are made then).
public enum PrometheusBootstrap {
    public static func bootstrap() -> PrometheusCollectorRegistry {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // From half a millisecond (an in-process plugin) to the default message timeout.
        let buckets: [Duration] = [
            .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2),
            .seconds(5), .seconds(10), .seconds(30),
        ]
        factory.durationHistogramBuckets["sluice_processing_seconds"] = buckets
        factory.durationHistogramBuckets["sluice_plugin_seconds"] = buckets
        MetricsSystem.bootstrap(factory)
        return registry
    }
}
