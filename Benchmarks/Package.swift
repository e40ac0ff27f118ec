// swift-tools-version:6.1
// DetectKit's benchmarks, a package of their own so that the library's users never fetch benchmark
// dependencies. Run from this folder: `swift package benchmark` (see README.md).
import PackageDescription

let package = Package(
    name: "DetectKitBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "DetectKit", path: ".."),
        // The MallocInterposer trait alone: it enables the malloc metrics and leaves off the default
        // RuntimeInterposer trait, whose extra dependency this package does not need.
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "SuppressionBenchmarks",
            dependencies: [
                .product(name: "DetectKit", package: "DetectKit"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/SuppressionBenchmarks",
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark")
            ]
        )
    ]
)
