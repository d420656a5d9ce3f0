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
    // The simulator's defects build (`make sim`) plants the defects it must catch.
    traits: [.trait(name: "PlantedDefects", description: "Compile the defects the simulator must catch into SluiceCore.")],
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
            path: "Sources/CRdKafka",
            pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"])]
        ),
        .target(name: "CProcess"),
        .target(name: "PluginProtocol"),
        // What sluicectl and sluiced say to each other over the control socket.
        .target(name: "SluiceControl", plugins: ["GenerateVersion"]),
        .plugin(name: "GenerateVersion", capability: .buildTool()),
        // Plugin children: the command, the spawn and the stderr tail (sluiced's pool and
        // sluicectl check-plugin).
        .target(name: "PluginProcess", dependencies: ["CProcess"]),
        // sluicectl check-plugin: a plugin put through its paces with no Kafka.
        .target(name: "PluginCheck", dependencies: ["PluginProcess", "PluginProtocol", "SluiceSupport"]),
        // Small helpers the daemon and its tools share (duration units, decimal ids).
        .target(name: "SluiceSupport"),
        // Every decision about a message, from its poll to its commit, as a pure value:
        // events in, actions out. No Kafka, no processes, no clock, no logger, so a seeded
        // simulation drives it (`make sim`). `Pipeline` carries out its actions.
        .target(
            name: "SluiceCore",
            dependencies: [
                "PluginProtocol", "SluiceSupport",
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "HeapModule", package: "swift-collections"),
            ],
            // Exclusivity checks left out of release builds, as in Supervisor's (below).
            swiftSettings: [
                .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
                .define("PLANTED_DEFECTS", .when(traits: ["PlantedDefects"])),
            ]
        ),
        .target(
            name: "Supervisor",
            dependencies: [
                "CRdKafka",
                "CProcess",
                "PluginProtocol",
                "PluginProcess",
                "SluiceControl",
                "SluiceCore",
                "SluiceSupport",
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
            // The pipeline thread's records, tables and queues are class members, and Swift
            // checks each access to one at run time for overlap with another: 4 to 6 % of
            // that thread's time (docs/BENCHMARKS.md). Release builds leave the checks out;
            // debug builds (make test, make unit) keep them, so an overlap still fails tests.
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
        ),
        // make sim: the flow's core through seeded random schedules (`Simulation`).
        .target(
            name: "SluiceSimulation", dependencies: ["SluiceCore", "PluginProtocol", "SluiceSupport"],
            swiftSettings: [.define("PLANTED_DEFECTS", .when(traits: ["PlantedDefects"]))]),
        .executableTarget(
            name: "sluice-sim",
            dependencies: ["SluiceSimulation", "SluiceCore", "SluiceSupport", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: [.define("PLANTED_DEFECTS", .when(traits: ["PlantedDefects"]))]
        ),
        // make bench, make chaos and make fuzz: not linked into the daemon.
        .target(
            name: "SluiceHarness",
            dependencies: [
                "Supervisor", "CProcess", "PluginProtocol", "SluiceControl", "SluiceSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        .target(
            name: "SluiceCLI",
            dependencies: ["SluiceControl", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(
            name: "sluiced",
            dependencies: [
                "Supervisor",
                "SluiceControl",
                "SluiceCLI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "sluicectl",
            dependencies: [
                "SluiceControl", "SluiceCLI", "PluginCheck", "PluginProcess",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "sluice-bench",
            dependencies: [
                "Supervisor",
                "SluiceControl",
                "SluiceHarness",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "sluice-chaos",
            dependencies: [
                "Supervisor",
                "SluiceHarness",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "sluice-fuzz",
            dependencies: ["Supervisor", "SluiceHarness", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(name: "echo-plugin", dependencies: ["PluginProtocol"], path: "Sources/SamplePlugins/echo"),
        .executableTarget(
            name: "measurement-validator",
            dependencies: ["PluginProtocol"],
            path: "Sources/SamplePlugins/measurement-validator"
        ),
        .testTarget(name: "PluginProtocolTests", dependencies: ["PluginProtocol"]),
        // Pure logic, no processes and no broker: `make unit`.
        .testTarget(name: "SluiceControlTests", dependencies: ["SluiceControl"]),
        .testTarget(
            name: "SluiceCoreTests", dependencies: ["SluiceCore", "SluiceSimulation", "PluginProtocol"],
            swiftSettings: [.define("PLANTED_DEFECTS", .when(traits: ["PlantedDefects"]))]),
        .testTarget(
            name: "SupervisorUnitTests",
            dependencies: ["Supervisor", "SluiceControl", "PluginProcess", .product(name: "Prometheus", package: "swift-prometheus")]),
        // End to end: real sluiced processes, plugins and the mock cluster.
        .testTarget(name: "SupervisorTests", dependencies: ["Supervisor", "SluiceCore", "SluiceHarness", "SluiceControl", "PluginProtocol"], exclude: ["Plugins", "Readers"]),
    ]
)
