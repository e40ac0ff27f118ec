// swift-tools-version:6.1
// libFuzzer targets for DetectKit's parsers: the image decoders (and encoders), the COCO results and ground-truth
// readers, the safetensors reader and the model configuration readers. A separate package so that neither users
// of DetectKit nor `swift test` build it; see README.md (`Fuzz/run.sh`) for how to build and run it.
import PackageDescription

let package = Package(
    name: "DetectKitFuzz",
    dependencies: [
        .package(name: "DetectKit", path: "..")
    ],
    targets: [
        // The entry point every target shares (libFuzzer's driver, started from SwiftPM's `<Target>_main`).
        .target(name: "FuzzDriver"),
        .executableTarget(name: "FuzzPNG", dependencies: ["FuzzDriver", .product(name: "Imaging", package: "DetectKit")]),
        .executableTarget(name: "FuzzJPEG", dependencies: ["FuzzDriver", .product(name: "Imaging", package: "DetectKit")]),
        .executableTarget(
            name: "FuzzCOCOResults",
            dependencies: [
                "FuzzDriver",
                .product(name: "COCO", package: "DetectKit"), .product(name: "Suppression", package: "DetectKit"),
                .product(name: "Boxes", package: "DetectKit"),
            ]),
        .executableTarget(
            name: "FuzzCOCOGroundTruth",
            dependencies: [
                "FuzzDriver",
                .product(name: "Evaluation", package: "DetectKit"), .product(name: "COCO", package: "DetectKit"),
            ]),
        .executableTarget(name: "FuzzSafeTensors", dependencies: ["FuzzDriver", .product(name: "NeuralCore", package: "DetectKit")]),
        .executableTarget(
            name: "FuzzNumPy",
            dependencies: ["FuzzDriver", .product(name: "NeuralCore", package: "DetectKit"), .product(name: "Decoding", package: "DetectKit")]),
        .executableTarget(
            name: "FuzzConfig",
            dependencies: [
                "FuzzDriver",
                .product(name: "CLIP", package: "DetectKit"), .product(name: "Detector", package: "DetectKit"),
                .product(name: "NeuralCore", package: "DetectKit"),
            ]),
    ]
)
