// swift-tools-version: 6.1
// Warden's benchmarks: a separate package so `swift test` never builds package-benchmark.
// Run with `make bench` (or `swift package benchmark` here).
import PackageDescription

let package = Package(
    name: "WardenBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        // Named explicitly: without `name:` SwiftPM takes the identity from the clone's folder name.
        .package(name: "warden", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "ModelBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "WardenModel", package: "warden"),
            ],
            path: "Benchmarks/ModelBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "StoreBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "WardenStore", package: "warden"),
                .product(name: "WardenModel", package: "warden"),
            ],
            path: "Benchmarks/StoreBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "CheckBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Warden", package: "warden"),
                .product(name: "WardenEngine", package: "warden"),
                .product(name: "WardenStore", package: "warden"),
                .product(name: "WardenModel", package: "warden"),
            ],
            path: "Benchmarks/CheckBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "NestedGroupBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "WardenEngine", package: "warden"),
                .product(name: "WardenStore", package: "warden"),
                .product(name: "WardenModel", package: "warden"),
            ],
            path: "Benchmarks/NestedGroupBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "ConditionBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "WardenConditions", package: "warden"),
                .product(name: "WardenEngine", package: "warden"),
                .product(name: "WardenStore", package: "warden"),
                .product(name: "WardenModel", package: "warden"),
            ],
            path: "Benchmarks/ConditionBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "ScopeBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "WardenScopes", package: "warden"),
            ],
            path: "Benchmarks/ScopeBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "AuthorizeBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Warden", package: "warden"),
                .product(name: "WardenEngine", package: "warden"),
                .product(name: "WardenScopes", package: "warden"),
                .product(name: "WardenConditions", package: "warden"),
                .product(name: "WardenModel", package: "warden"),
            ],
            path: "Benchmarks/AuthorizeBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
