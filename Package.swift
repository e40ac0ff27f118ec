// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "DetectKit",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "DetectKit", targets: ["DetectKit"]),
        .library(name: "Boxes", targets: ["Boxes"]),
        .library(name: "COCO", targets: ["COCO"]),
        .library(name: "Suppression", targets: ["Suppression"]),
        .library(name: "Imaging", targets: ["Imaging"]),
        .library(name: "NeuralCore", targets: ["NeuralCore"]),
        .library(name: "Evaluation", targets: ["Evaluation"]),
        .library(name: "CLIP", targets: ["CLIP"]),
        .library(name: "Detector", targets: ["Detector"]),
        .library(name: "Decoding", targets: ["Decoding"]),
        .executable(name: "detectkit", targets: ["detectkit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // `swift package generate-documentation`: the DocC catalog in Sources/DetectKit/DetectKit.docc.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // SIMD overlap kernels in C with per-function target attributes and runtime CPU dispatch, so a plain
        // `swift build -c release` runs AVX-512/AVX2 code where the CPU has it, with no special compiler flags.
        .target(name: "CBoxKernels"),
        // Helpers the package's targets share and its users never see (package access only).
        .target(name: "DetectKitUtilities"),
        .target(name: "Boxes", dependencies: ["CBoxKernels"]),
        // The system image libraries, and the only C that calls them: libpng/libjpeg report errors by longjmp,
        // which Swift cannot do, so the shim turns every failure into a status and the library's message.
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"]), .brew(["libpng"])]),
        .systemLibrary(name: "CJPEG", pkgConfig: "libjpeg", providers: [.apt(["libjpeg-dev"]), .brew(["jpeg-turbo"])]),
        .target(name: "CCodecShims", dependencies: ["CPNG", "CJPEG"]),
        .target(name: "Imaging", dependencies: ["CCodecShims", "Boxes"]),
        // A strict JSON scanner shared by the COCO and safetensors readers, and the one escaping JSON writer
    // (package-internal).
        .target(name: "JSONScanning"),
        // COCO files in and out: results (carried through byte for byte), instances (ground truth), their names.
        .target(name: "COCO", dependencies: ["Boxes", "JSONScanning"]),
        .target(name: "Suppression", dependencies: ["Boxes"]),
        // pycocotools-exact bbox metrics of detections against a COCO ground truth.
        .target(name: "Evaluation", dependencies: ["Boxes", "COCO"]),
        // Vectorised neural-network kernels in C, runtime-dispatched like CBoxKernels; BLAS for matrix products
        // (OpenBLAS on Linux, Accelerate on macOS).
        .target(name: "CNeuralKernels"),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .target(
            name: "NeuralCore",
            dependencies: [
                "JSONScanning", "CNeuralKernels", .target(name: "COpenBLAS", condition: .when(platforms: [.linux])),
            ]),
        // The raw outputs of YOLO, DETR-family, RetinaNet and SSD models decoded as their own libraries decode them.
        .target(name: "Decoding", dependencies: ["Boxes", "NeuralCore", "Suppression"]),
        // The bundled large-kernel detector: weights from training/export.py, raw detections with bbox_std.
        .target(name: "Detector", dependencies: ["Boxes", "NeuralCore", "Imaging"]),
        // CLIP-style image and text towers with Hugging Face's config and weight names, and CLIP's BPE tokenizer.
        .target(name: "CLIP", dependencies: ["Boxes", "NeuralCore", "Imaging", "JSONScanning"], resources: [.copy("Resources")]),
        .target(
            name: "DetectKit",
            dependencies: [
                "Boxes", "COCO", "Suppression", "Evaluation", "Imaging", "NeuralCore", "Detector", "CLIP", "Decoding", "JSONScanning",
            ],
            resources: [.copy("Models")]),
        .executableTarget(
            name: "detectkit",
            dependencies: [
                "DetectKit", "JSONScanning", "DetectKitUtilities", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // README's "From Swift" example, verbatim (a test checks that the two agree and runs it on samples/).
        .executableTarget(name: "readme-example", dependencies: ["DetectKit"], path: "Examples/ReadmeExample"),
        // README's "Your own model's output" example, verbatim (tested like the one above).
        .executableTarget(name: "decode-example", dependencies: ["DetectKit"], path: "Examples/DecodeExample"),
        // Deterministic random inputs and golden-comparison helpers shared by the test targets; not a product.
        .target(name: "DetectKitTestSupport", dependencies: ["Boxes", "Suppression", "NeuralCore", "JSONScanning", "DetectKitUtilities"]),
        .testTarget(name: "BoxesTests", dependencies: ["Boxes", "DetectKitTestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(
            name: "COCOTests", dependencies: ["COCO", "Boxes", "Suppression", "JSONScanning", "DetectKitTestSupport", "DetectKitUtilities"],
            resources: [.copy("Fixtures")]),
        .testTarget(
            name: "SuppressionTests", dependencies: ["Suppression", "Boxes", "JSONScanning", "DetectKitUtilities", "DetectKitTestSupport"],
            resources: [.copy("Fixtures")]),
        .testTarget(
            name: "ImagingTests", dependencies: ["Imaging", "Boxes", "DetectKitUtilities", "DetectKitTestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(
            name: "EvaluationTests", dependencies: ["Evaluation", "COCO", "Boxes", "DetectKitTestSupport", "DetectKitUtilities"], resources: [.copy("Fixtures")]),
        .testTarget(name: "DetectorTests", dependencies: ["Detector", "Boxes", "Imaging", "NeuralCore", "DetectKitTestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "CLIPTests", dependencies: ["CLIP", "Boxes", "Imaging", "NeuralCore", "DetectKitTestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "DecodingTests", dependencies: ["Decoding", "Boxes", "Suppression", "NeuralCore", "Imaging"], resources: [.copy("Fixtures")]),
        .testTarget(name: "NeuralCoreTests", dependencies: ["NeuralCore", "DetectKitTestSupport", "DetectKitUtilities"], resources: [.copy("Fixtures")]),
        .testTarget(
            name: "DetectKitTests", dependencies: ["DetectKit", "DetectKitTestSupport", "DetectKitUtilities", "Detector", "CLIP", "NeuralCore", "Imaging", "Boxes", "Suppression"],
            resources: [.copy("Fixtures")]),
        .testTarget(name: "CLITests", dependencies: ["DetectKit", "detectkit", "readme-example", "decode-example", "DetectKitTestSupport"]),
    ]
)
