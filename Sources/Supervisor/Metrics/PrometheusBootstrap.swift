import Metrics
import Prometheus

/// Makes swift-metrics report to a Prometheus registry. Call once, before the pipeline is
/// created (its instruments are made then).
public enum PrometheusBootstrap {
    public static func bootstrap() -> PrometheusCollectorRegistry {
        let registry = PrometheusCollectorRegistry()
        let factory = PrometheusMetricsFactory(registry: registry)
        MetricsSystem.bootstrap(factory)
        return registry
    }
}
