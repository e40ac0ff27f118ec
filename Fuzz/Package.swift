// swift-tools-version:6.1
// libFuzzer targets for DetectKit's image decoders and encoders. A separate package so that neither users of
// DetectKit nor `swift test` build it; see README.md (`Fuzz/run.sh`) for how to build and run it.
import PackageDescription

let package = Package(
    name: "DetectKitFuzz",
    dependencies: [
        .package(name: "DetectKit", path: "..")
    ],
    targets: [
        .executableTarget(name: "FuzzPNG", dependencies: [.product(name: "Imaging", package: "DetectKit")]),
        .executableTarget(name: "FuzzJPEG", dependencies: [.product(name: "Imaging", package: "DetectKit")]),
    ]
)
