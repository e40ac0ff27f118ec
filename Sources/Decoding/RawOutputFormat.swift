import Boxes

/// The raw-output formats DetectKit decodes, the tensors each takes, and one entry point for all of them.
///
/// | format | tensors | post-processing reproduced |
/// |---|---|---|
/// | `yolov8` | `output` `[1, 4 + C, N]` | Ultralytics `non_max_suppression` + `scale_boxes` |
/// | `yolov8-obb` | `output` `[1, 4 + C + 1, N]` | Ultralytics' OBB predictor: `non_max_suppression(rotated=True)` + `scale_boxes(xywh=True)` |
/// | `yolov5` | `output` `[1, N, 5 + C]` | YOLOv5 `non_max_suppression` + `scale_boxes` |
/// | `yolo-end2end` | `output` `[1, K, 6]` | Ultralytics' end-to-end branch + `scale_boxes` |
/// | `detr` | `logits`, `pred_boxes` | `DetrImageProcessor.post_process_object_detection` |
/// | `rtdetr` | `logits`, `pred_boxes` | `RTDetrImageProcessor.post_process_object_detection` |
/// | `retinanet` | `cls_logits`, `bbox_regression`, `anchors` (`num_anchors_per_level`) | torchvision `RetinaNet.postprocess_detections` |
/// | `ssd` | `cls_logits`, `bbox_regression`, `anchors` | torchvision `SSD.postprocess_detections` |
public enum RawOutputFormat: String, Sendable, CaseIterable {
    /// Ultralytics YOLOv8, v9, YOLO11, YOLO12 detection heads.
    case yolov8
    /// Ultralytics oriented-box heads (YOLOv8-OBB, YOLO11-OBB): oriented detections.
    case yolov8OBB = "yolov8-obb"
    /// YOLOv5 (objectness).
    case yolov5
    /// NMS-free YOLO heads (YOLOv10, YOLO26).
    case yoloEnd2End = "yolo-end2end"
    /// DETR (softmax with a no-object class).
    case detr
    /// RT-DETR (sigmoid, top-k over queries and classes).
    case rtdetr
    /// torchvision RetinaNet.
    case retinanet
    /// torchvision SSD and SSDlite.
    case ssd

    /// The tensors the format needs, in the order they are given when they come as separate files.
    public var tensorNames: [String] {
        switch self {
        case .yolov8, .yolov8OBB, .yolov5, .yoloEnd2End: ["output"]
        case .detr, .rtdetr: ["logits", "pred_boxes"]
        case .retinanet, .ssd: ["cls_logits", "bbox_regression", "anchors"]
        }
    }

    /// Tensors the format reads when present (RetinaNet's anchors per feature level).
    public var optionalTensorNames: [String] { self == .retinanet ? ["num_anchors_per_level"] : [] }

    /// Whether the format suppresses overlapping boxes itself (DETR-family outputs need no NMS).
    public var hasNMS: Bool { self != .detr && self != .rtdetr && self != .yoloEnd2End }

    /// The model's library, whose post-processing and defaults ``decode(_:settings:)`` reproduces.
    public var reference: String {
        switch self {
        case .yolov8: "ultralytics.utils.nms.non_max_suppression + ultralytics.utils.ops.scale_boxes"
        case .yolov8OBB: "ultralytics OBBPredictor: non_max_suppression (rotated=True, Fast NMS on ProbIoU) + scale_boxes (xywh=True)"
        case .yolov5: "yolov5.utils.general.non_max_suppression + scale_boxes"
        case .yoloEnd2End: "ultralytics.utils.nms.non_max_suppression (end2end) + scale_boxes"
        case .detr: "transformers DetrImageProcessor.post_process_object_detection"
        case .rtdetr: "transformers RTDetrImageProcessor.post_process_object_detection"
        case .retinanet: "torchvision RetinaNet.postprocess_detections + transform.postprocess"
        case .ssd: "torchvision SSD.postprocess_detections + transform.postprocess"
        }
    }

    /// How many candidates the output holds: anchors (YOLO, RetinaNet, SSD), rows (end-to-end YOLO) or queries
    /// (DETR); 0 when the main tensor is missing or has no dimension.
    public func candidateCount(_ tensors: [String: RawTensor]) -> Int {
        guard let main = tensors[tensorNames[0]], let last = main.shape.last else { return 0 }
        let shape = main.shape.count > 1 ? Array(main.shape.suffix(2)) : [last]
        switch self {
        case .yolov8, .yolov8OBB: return shape.max() ?? 0
        default: return shape.count == 2 ? shape[0] : 0
        }
    }

    /// Sizes, thresholds and the suppression of one decode; every `nil` takes the format's library default.
    public struct Settings: Sendable {
        /// The network input the tensors came from (YOLO: the letterboxed size; RetinaNet/SSD: the image as the
        /// model's transform resized it). Unused by DETR-family formats.
        public var inputWidth: Int, inputHeight: Int
        /// The original image, which the boxes are mapped to.
        public var imageWidth: Int, imageHeight: Int
        /// YOLO `conf`, DETR `threshold`, torchvision `score_thresh`.
        public var confidence: Float?
        /// YOLO `iou`, torchvision `nms_thresh`.
        public var iou: Float?
        /// YOLO `max_det`, torchvision `detections_per_img`.
        public var maxDetections: Int?
        /// YOLO `max_nms`, torchvision `topk_candidates`.
        public var maxCandidates: Int?
        /// YOLO `agnostic`.
        public var classAgnostic: Bool
        /// YOLO `multi_label`: every class above the threshold, not only each box's best.
        public var multiLabel: Bool
        /// Keep only these class indices (YOLO `classes`; a filter on the result for the others).
        public var classes: [Int]?
        /// The format's own NMS, or a DetectKit method instead.
        public var suppression: CandidateSuppression
        /// The image id every detection gets.
        public var imageID: Int

        /// Settings for an input of `inputWidth × inputHeight` from an image of `imageWidth × imageHeight`.
        public init(
            inputWidth: Int, inputHeight: Int, imageWidth: Int, imageHeight: Int, confidence: Float? = nil, iou: Float? = nil,
            maxDetections: Int? = nil, maxCandidates: Int? = nil, classAgnostic: Bool = false, multiLabel: Bool = false,
            classes: [Int]? = nil, suppression: CandidateSuppression = .native, imageID: Int = 0
        ) {
            self.inputWidth = inputWidth
            self.inputHeight = inputHeight
            self.imageWidth = imageWidth
            self.imageHeight = imageHeight
            self.confidence = confidence
            self.iou = iou
            self.maxDetections = maxDetections
            self.maxCandidates = maxCandidates
            self.classAgnostic = classAgnostic
            self.multiLabel = multiLabel
            self.classes = classes
            self.suppression = suppression
            self.imageID = imageID
        }
    }

    /// Decodes `tensors` (by name, see ``tensorNames``) into detections in the original image; categories are
    /// class indices (see ``CategoryMap``).
    public func decode(_ tensors: [String: RawTensor], settings s: Settings) throws -> Detections {
        func tensor(_ name: String) throws -> RawTensor {
            guard let t = tensors[name] else {
                throw DecodingError(
                    source: tensors.values.first?.source ?? "input",
                    message: "no tensor \"\(name)\": \(rawValue) needs \(tensorNames.joined(separator: ", "))")
            }
            return t
        }
        let decoded: Detections
        switch self {
        case .yolov8, .yolov8OBB, .yolov5, .yoloEnd2End:
            let head: YOLODecoder.Head = switch self {
            case .yolov8: .yolov8
            case .yolov8OBB: .yolov8OBB
            case .yolov5: .yolov5
            default: .end2end
            }
            var options = YOLODecoder.Options.defaults(for: head)
            if let c = s.confidence { options.confidenceThreshold = c }
            if let iou = s.iou { options.iouThreshold = iou }
            if let m = s.maxDetections { options.maxDetections = m }
            if let m = s.maxCandidates { options.maxCandidates = m }
            options.classAgnostic = s.classAgnostic
            options.multiLabel = s.multiLabel
            options.classes = s.classes
            let mapping = try LetterboxMapping(imageWidth: s.imageWidth, imageHeight: s.imageHeight, inputWidth: s.inputWidth, inputHeight: s.inputHeight)
            return try YOLODecoder(head: head, options: options).decode(try tensor("output"), mapping: mapping, suppression: s.suppression, imageID: s.imageID)
        case .detr, .rtdetr:
            var decoder = QueryDecoder(kind: self == .detr ? .detr : .rtdetr)
            if let c = s.confidence { decoder.threshold = c }
            decoded = try decoder.decode(
                logits: try tensor("logits"), boxes: try tensor("pred_boxes"), imageWidth: s.imageWidth, imageHeight: s.imageHeight,
                suppression: s.suppression, imageID: s.imageID)
        case .retinanet, .ssd:
            var decoder = AnchorDecoder(kind: self == .retinanet ? .retinanet : .ssd)
            if let c = s.confidence { decoder.options.scoreThreshold = c }
            if let iou = s.iou { decoder.options.nmsThreshold = iou }
            if let m = s.maxDetections { decoder.options.detectionsPerImage = m }
            if let m = s.maxCandidates { decoder.options.topkCandidates = m }
            var levels: [Int]?
            if let perLevel = tensors["num_anchors_per_level"] {
                levels = try perLevel.values.map { v in
                    guard v >= 0, v < 1e9, v == v.rounded() else {
                        throw DecodingError(source: perLevel.source, message: "anchors per level \(v) is not a count")
                    }
                    return Int(v)
                }
            }
            decoded = try decoder.decode(
                classLogits: try tensor("cls_logits"), regressions: try tensor("bbox_regression"), anchors: try tensor("anchors"),
                anchorsPerLevel: levels,
                geometry: .init(inputWidth: s.inputWidth, inputHeight: s.inputHeight, imageWidth: s.imageWidth, imageHeight: s.imageHeight),
                suppression: s.suppression, imageID: s.imageID)
        }
        guard let classes = s.classes.map(Set.init) else { return decoded }
        return decoded.gathering(decoded.categories.indices.filter { classes.contains(decoded.categories[$0]) })
    }
}
