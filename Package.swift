// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "sluice",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "sluiced", targets: ["sluiced"]),
        .executable(name: "sluicectl", targets: ["sluicectl"]),
        .executable(name: "echo-plugin", targets: ["echo-plugin"]),
        .executable(name: "measurement-validator", targets: ["measurement-validator"]),
        .library(name: "PluginProtocol", targets: ["PluginProtocol"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.1.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        .package(url: "https://github.com/LebJe/TOMLKit.git", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.1.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CRdKafka",
            path: "Sources/Supervisor/CRdKafka",
            pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"])]
        ),
        .target(name: "CProcess", path: "Sources/Supervisor/CProcess"),
        .target(name: "PluginProtocol"),
        .target(
            name: "Supervisor",
            dependencies: [
                "CRdKafka",
                "CProcess",
                "PluginProtocol",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Sources/Supervisor/Supervisor"
        ),
        // make bench, make chaos and make fuzz: not linked into the daemon.
        .target(
            name: "SluiceHarness",
            dependencies: [
                "Supervisor", "CRdKafka", "CProcess", "PluginProtocol",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            path: "Sources/Supervisor/SluiceHarness"
        ),
        .target(
            name: "SluiceCLI",
            dependencies: ["Supervisor", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Sources/Supervisor/SluiceCLI"
        ),
        .executableTarget(
            name: "sluiced",
            dependencies: [
                "Supervisor",
                "SluiceCLI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/Supervisor/sluiced"
        ),
        .executableTarget(
            name: "sluicectl",
            dependencies: ["Supervisor", "SluiceCLI", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Sources/Supervisor/sluicectl"
        ),
        .executableTarget(
            name: "sluice-bench",
            dependencies: [
                "Supervisor",
                "SluiceHarness",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/Supervisor/sluice-bench"
        ),
        .executableTarget(
            name: "sluice-chaos",
            dependencies: [
                "Supervisor",
                "SluiceHarness",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/Supervisor/sluice-chaos"
        ),
        .executableTarget(
            name: "sluice-fuzz",
            dependencies: ["Supervisor", "SluiceHarness", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Sources/Supervisor/sluice-fuzz"
        ),
        .executableTarget(name: "echo-plugin", dependencies: ["PluginProtocol"], path: "Sources/SamplePlugins/echo"),
        .executableTarget(
            name: "measurement-validator",
            dependencies: ["PluginProtocol"],
            path: "Sources/SamplePlugins/measurement-validator"
        ),
        .testTarget(name: "PluginProtocolTests", dependencies: ["PluginProtocol"]),
        // Pure logic, no processes and no broker: `make unit`.
        .testTarget(name: "SupervisorUnitTests", dependencies: ["Supervisor"]),
        // End to end: real sluiced processes, plugins and the mock cluster.
        .testTarget(name: "SupervisorTests", dependencies: ["Supervisor", "SluiceHarness", "PluginProtocol"], exclude: ["Plugins"]),
    ]
)
