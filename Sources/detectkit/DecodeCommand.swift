import ArgumentParser
import DetectKit
import Foundation
import JSONScanning

/// `detectkit decode`: a detector's raw output tensors in, COCO results out, post-processed as the model's own
/// library does it (or by a DetectKit method).
struct DecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Decode a detector's raw output (YOLO, DETR, RetinaNet/SSD) into COCO results JSON.",
        discussion: """
            TENSORS are NumPy .npy files (float32, float16 or float64), one per tensor the format needs, in its \
            order, or one .safetensors file holding them by name: yolov8, yolov8-obb, yolov5, yolo-end2end: output; detr, \
            rtdetr: logits, pred_boxes; retinanet, ssd: cls_logits, bbox_regression, anchors (retinanet also \
            num_anchors_per_level). Without --method the format's own post-processing runs, exactly as its \
            library runs it (Ultralytics, YOLOv5, transformers, torchvision), with its defaults; with --method \
            the candidates that pass the confidence filter go through that DetectKit method instead. Boxes are \
            mapped back to the original image (--image or --image-size; YOLO: the letterbox inverse, RetinaNet \
            and SSD: the transform's resize). Categories are class indices unless --category-map maps them. \
            yolov8-obb gives oriented boxes: each record has "rbox": [cx, cy, w, h, angle] beside its enclosing "bbox".
            """
    )

    @OptionGroup var raw: RawOutputFlags

    @Option(name: .long, help: "image_id of every record (default: from --image's file name, else 0).")
    var imageId: String?

    @Option(name: .long, help: "coco80 (the 80 YOLO classes to COCO ids) or a COCO instances JSON (class i = i-th category by id).")
    var categoryMap: String?

    @Flag(name: .long, help: "Print {\"format\":…,\"candidates\":N,\"seconds\":t} on stderr: decoding and suppression alone.")
    var timing = false

    @Option(name: .shortAndLong, help: "Output file (default: standard output).")
    var output: String?

    func run() throws {
        try CommandFailure.report {
            let format = raw.rawFormat
            let tensors = try raw.readTensors()
            let settings = try raw.settings()
            let map = try categoryMapping()
            let start = ContinuousClock.now
            var detections = try format.decode(tensors, settings: settings)
            let elapsed = ContinuousClock.now - start
            if let map { detections = try map.apply(to: detections, source: categoryMap ?? "") }
            if timing {
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
                CommandFailure.standardError(
                    JSONValue.object([("format", .string(format.rawValue)), ("candidates", .int(format.candidateCount(tensors))), ("seconds", .double(seconds))]).text)
            }
            let id: COCOImageID =
                imageId.map { Int($0).map { .number(Double($0)) } ?? .text($0) } ?? raw.image.map { COCOImageID(imageFile: $0) } ?? .number(0)
            let document = Pipeline.resultsDocument(COCOResults.recordFields(detections, imageID: id).map { JSONValue.object($0).text })
            if let output {
                try AtomicFile.write(document, to: output)
            } else {
                FileHandle.standardOutput.write(document)
            }
        }
    }

    /// `--category-map`: the COCO 80-class table or the categories of an instances file, by ascending id.
    func categoryMapping() throws -> CategoryMap? {
        guard let categoryMap else { return nil }
        if categoryMap == "coco80" { return .coco80 }
        let truth = try COCOGroundTruth(contentsOf: categoryMap)
        return CategoryMap(categoryIDs: truth.categories.map(\.id).sorted())
    }
}
