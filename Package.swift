// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "DetectKit",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "DetectKit", targets: ["DetectKit"]),
        .library(name: "Boxes", targets: ["Boxes"]),
        .library(name: "Suppression", targets: ["Suppression"]),
        .executable(name: "detectkit", targets: ["detectkit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // SIMD overlap kernels in C with per-function target attributes and runtime CPU dispatch, so a plain
        // `swift build -c release` runs AVX-512/AVX2 code where the CPU has it (no unsafeFlags).
        .target(name: "CBoxKernels"),
        .target(name: "Boxes", dependencies: ["CBoxKernels"]),
        .target(name: "Suppression", dependencies: ["Boxes"]),
        .target(name: "DetectKit", dependencies: ["Boxes", "Suppression"]),
        .executableTarget(
            name: "detectkit",
            dependencies: ["DetectKit", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // Deterministic random inputs shared by the test targets; not a product.
        .target(name: "DetectKitTestSupport", dependencies: ["Boxes", "Suppression"]),
        .testTarget(name: "BoxesTests", dependencies: ["Boxes", "DetectKitTestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(
            name: "SuppressionTests", dependencies: ["Suppression", "DetectKitTestSupport"],
            resources: [.copy("Fixtures")]),
        .testTarget(name: "CLITests", dependencies: ["DetectKit", "detectkit", "DetectKitTestSupport"]),
    ]
)
