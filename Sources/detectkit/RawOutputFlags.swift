import ArgumentParser
import DetectKit

/// What `decode` and `bench raw-output` share: the format, the tensor files, the sizes, the format's thresholds
/// and the optional DetectKit method that replaces its NMS.
struct RawOutputFlags: ParsableArguments {
    @Option(name: .long, help: "The output's format: \(RawOutputFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: String

    @Argument(help: "The output tensors: .npy files in the format's order, or one .safetensors file.")
    var tensors: [String]

    @Option(name: .long, help: "The network input's size WxH (YOLO: the letterboxed input; RetinaNet/SSD: the resized image).")
    var inputSize: String?

    @Option(name: .long, help: "The original image (its size maps the boxes back; its file name gives image_id).")
    var image: String?

    @Option(name: .long, help: "The original image's size WxH, instead of --image.")
    var imageSize: String?

    @Option(name: .long, help: "Confidence threshold (YOLO conf 0.25; DETR threshold 0.5; RetinaNet 0.05, SSD 0.01).")
    var conf: Float?

    @Option(name: .long, help: "Keep at most K detections (YOLO max_det 300; RetinaNet 300, SSD 200).")
    var maxDet: Int?

    @Option(name: .long, help: "Candidates kept for NMS (YOLO max_nms 30000; RetinaNet top-k per level 1000, SSD per class 400).")
    var maxCandidates: Int?

    @Flag(name: .long, help: "YOLO: one NMS across classes.")
    var agnostic = false

    @Flag(name: .long, help: "YOLO: every class above --conf is a candidate, not only each box's best.")
    var multiLabel = false

    @Option(name: .long, help: "Keep only these class indices, e.g. 0,2.")
    var classes: String?

    @OptionGroup var suppression: SuppressionFlags

    /// The format (checked by `validate()`).
    var rawFormat: RawOutputFormat { RawOutputFormat(rawValue: format) ?? .yolov8 }

    func validate() throws {
        guard let f = RawOutputFormat(rawValue: format) else {
            throw ValidationError("--format \(format): not one of \(RawOutputFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        try OptionChecks.unitInterval(conf, "--conf")
        try OptionChecks.notNegative(maxDet, "--max-det")
        try OptionChecks.notNegative(maxCandidates, "--max-candidates")
        if let inputSize { _ = try OptionChecks.size(inputSize, "--input-size") }
        if let imageSize { _ = try OptionChecks.size(imageSize, "--image-size") }
        if image != nil, imageSize != nil { throw ValidationError("--image and --image-size: give one") }
        if image == nil, imageSize == nil { throw ValidationError("--image or --image-size: the boxes are mapped back to the original image") }
        let yolo = f == .yolov8 || f == .yolov5
        if f != .detr, f != .rtdetr, inputSize == nil { throw ValidationError("--input-size: \(format) boxes are in network-input pixels") }
        if f == .detr || f == .rtdetr {
            try InapplicableOptions.reject(
                (inputSize == nil ? [] : ["--input-size"]) + (maxCandidates == nil ? [] : ["--max-candidates"]) + (maxDet == nil ? [] : ["--max-det"]),
                "\(format) has no such step")
        }
        _ = try classList()
        if let (iou, option) = suppression.overlapThreshold, suppression.method == nil {
            guard f.hasNMS else { throw ValidationError("\(option) \(iou) does not apply: \(format) has no NMS (add --method to suppress)") }
        }
        if !yolo {
            try InapplicableOptions.reject(
                (agnostic ? ["--agnostic"] : []) + (multiLabel ? ["--multi-label"] : []),
                "only YOLO's post-processing has them (with --method, use --class-agnostic)")
        }
        if suppression.method == nil {
            try InapplicableOptions.reject(
                suppression.given.filter { $0 != "--iou" && $0 != "--threshold" }, "the format's own post-processing runs without --method")
        } else {
            try InapplicableOptions.reject(
                (agnostic ? ["--agnostic"] : []) + (maxDet == nil ? [] : ["--max-det"]), "with --method, use --class-agnostic and --max-detections")
        }
    }

    /// `--classes` as indices.
    func classList() throws -> [Int]? {
        try classes.map { text in
            try text.split(separator: ",").map { part in
                guard let c = Int(part.trimmingCharacters(in: .whitespaces)), c >= 0 else {
                    throw ValidationError("--classes \(text): must be class indices (0, 1, …) separated by commas")
                }
                return c
            }
        }
    }

    /// The tensors, by name.
    func readTensors() throws -> [String: RawTensor] { try RawOutputFiles.read(tensors, format: rawFormat) }

    /// The decode's settings: sizes (the image's from --image or --image-size), thresholds and suppression.
    func settings(imageID: Int = 0) throws -> RawOutputFormat.Settings {
        var imageWidth = 0, imageHeight = 0
        if let image {
            let decoded = try Image(contentsOfFile: image)
            (imageWidth, imageHeight) = (decoded.width, decoded.height)
        } else if let imageSize {
            (imageWidth, imageHeight) = try OptionChecks.size(imageSize, "--image-size")
        }
        let input = try inputSize.map { try OptionChecks.size($0, "--input-size") } ?? (width: imageWidth, height: imageHeight)
        var settings = RawOutputFormat.Settings(
            inputWidth: input.width, inputHeight: input.height, imageWidth: imageWidth, imageHeight: imageHeight, confidence: conf,
            iou: suppression.method == nil ? suppression.overlapThreshold?.value : nil, maxDetections: maxDet, maxCandidates: maxCandidates,
            classAgnostic: agnostic, multiLabel: multiLabel, classes: try classList(), imageID: imageID)
        if suppression.method != nil {
            settings.suppression = .method(try suppression.suppressionMethod().makeSuppressor(), suppression.options)
        }
        return settings
    }
}
