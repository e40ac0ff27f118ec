// Package.swift: .package(url: "https://github.com/<owner>/DetectKit", from: "0.1.0"), product "DetectKit"
import DetectKit

// This is Examples/ReadmeExample/main.swift: `swift run readme-example samples out` runs it from a checkout
// (any folder with images/ and a COCO annotations.json, and a folder for what it writes).
let arguments = CommandLine.arguments
let samples = arguments.count > 1 ? arguments[1] : "samples", output = arguments.count > 2 ? arguments[2] : "."

// Boxes and detections; a suppression method on them.
let boxes = BoxArray([Box(x1: 10, y1: 10, x2: 110, y2: 110), Box(x1: 12, y1: 12, x2: 112, y2: 112),
                      Box(x1: 300, y1: 40, x2: 380, y2: 120)])
let detections = try Detections(boxes: boxes, scores: [0.9, 0.8, 0.7], categories: [1, 1, 2])
let kept = try GreedyNMS.nms(iouThreshold: 0.5).apply(to: detections)           // torchvision semantics
let soft = try SoftNMS.gaussian(sigma: 0.5).apply(
    to: detections, options: SuppressionOptions(scoreThreshold: 0.01, maxDetections: 100))
for k in soft { print(k.index, k.score, k.box) }                                    // input record, new score, box

// Any method by name, with parameters, as on the command line:
let wbf = try SuppressionMethod(parsing: "wbf:threshold=0.6").makeSuppressor()
let fused = try wbf.apply(to: detections)

// Your own method plugs in wherever a built-in one is accepted: implement one group (one image and class).
struct TopK: Suppressor {
    var k: Int
    var name: String { "top-k" }
    func suppress(_ group: SuppressionGroup) throws -> [GroupSelection] {
        group.order.prefix(k).map { GroupSelection(position: $0, score: group.scores[$0], box: group.boxes[$0]) }
    }
}
let top = try TopK(k: 1).apply(to: detections)

// Overlap measures, scalar and vectorised (bit-identical):
let iou = boxes[0].iou(boxes[1])
let row = OverlapKernels.overlaps(.diou, of: boxes[0], with: boxes)       // one against many
let matrix = OverlapKernels.pairwise(.ciou, boxes, boxes)               // torchvision's box_iou layout

// Images: PNG and JPEG in, boxes drawn, PNG or JPEG out (written atomically).
let photo = try Image(contentsOfFile: "\(samples)/images/000002.jpg")             // EXIF orientation applied
let small = try Image(contentsOfFile: "\(samples)/images/000002.jpg", options: DecodeOptions(minimumSize: (100, 100)))
let drawn = photo.drawing(soft.map { Annotation(box: $0.box, label: "shape \($0.score)", colorIndex: 2) })
try drawn.write(toFile: "\(output)/annotated.jpg", .jpeg(quality: 90))
let letterbox = try Letterbox(sourceWidth: photo.width, sourceHeight: photo.height, targetWidth: 512, targetHeight: 512)
let input = try letterbox.apply(to: photo)                                // boxes back: letterbox.toSource(box)

// From an image to named, suppressed, drawn boxes: the bundled detector, Softer-NMS (variance voting with the
// detector's σ), and the bundled CLIP model naming each kept box among the labels you type.
let pipeline = try Pipeline.bundled(labels: ["red circle", "blue star", "green square"], suppressor: SofterNMS())
let result = try pipeline.run(photo)                                    // raw, kept, names, annotations
try result.drawn().write(toFile: "\(output)/named.png")
for (box, name) in zip(result.kept.boxes, result.names) { print(box, name?.label ?? "-", name?.probability ?? 0) }

// Your own model as the source (any closure from an image to raw detections), or a COCO results file:
let yours = Pipeline(source: .model { image in try LargeKernelDetector(directory: "my-detector").detect(image) })
let fromFile = Pipeline(source: .results(try COCOResults(contentsOf: "\(samples)/raw_detections.json")), suppressor: nil)

// COCO metrics, exactly as pycocotools computes them, of the detector's raw boxes on every sample image:
let truth = try COCOGroundTruth(contentsOf: "\(samples)/annotations.json")
let detector = try LargeKernelDetector(directory: BundledModels.detectorDirectory ?? "detector")
let results = try Pipeline(source: .detector(detector), suppressor: nil).results(for: truth, imagesIn: "\(samples)/images")
let stats = COCOEvaluation(groundTruth: truth, detections: try EvaluatedDetections(results: results, groundTruth: truth),
                           threads: 2).statistics                                   // stats.AP, stats.AP50, …

// Every suppression method on the same raw detections, ranked by AP:
let ranking = try MethodComparison(groundTruth: truth, raw: results, methods: SuppressionMethod.names.map { try SuppressionMethod($0) })
for outcome in ranking.outcomes { print(outcome.method, outcome.statistics.AP) }
