import Boxes
import NeuralCore
import Suppression

/// Decodes the raw output of a YOLO detection head into detections in the original image, as the model's own
/// library post-processes it.
///
/// - ``Head/yolov8`` (also YOLOv9, YOLO11, YOLO12 detect heads): `[1, 4 + C + extra, N]` as exported (or
///   `[1, N, 4 + C + extra]`, recognised by having more channels than anchors); per anchor `cx, cy, w, h` in input pixels then `C` activated class scores. As
///   `ultralytics.utils.nms.non_max_suppression`: keep anchors whose best class score is `> conf` (with
///   `multi_label`, every class above it, anchor by anchor); box
///   `x1 = cx − w/2, x2 = cx + w/2` (float32); keep only `classes` if given; if more than `max_nms` remain, the
///   `max_nms` best by score; NMS (`iou`) on boxes offset by `class · 7680` (0 when class-agnostic), so classes
///   never overlap; the first `max_det` survivors, by score. Then ``LetterboxMapping`` (`scale_boxes`).
///   Defaults as the Ultralytics predictor passes them: conf 0.25, iou 0.7, max_det 300, max_nms 30000.
/// - ``Head/yolov8OBB`` (Ultralytics' OBB heads): `[1, 4 + C + 1 + extra, N]` of `cx, cy, w, h`, `C` class scores
///   and the angle in radians; as Ultralytics' OBB predictor: anchors whose best class score is `> conf` (the class
///   filter after), the `max_nms` cap, then Fast NMS on ProbIoU (`TorchNMS.fast_nms` with `batch_probiou`: a box
///   goes when any higher-scored box, kept or not, overlaps it above `iou`) on centres offset by `class · 7680` in
///   `Float`, the first `max_det`; `LetterboxMapping.toImage(_:)` maps them back (centres and sides,
///   no clipping, the angle as the head gave it: Ultralytics does not regularise predictions). Oriented detections.
/// - ``Head/yolov5``: `[1, N, 5 + C + extra]` with objectness after the box; as YOLOv5's `non_max_suppression`:
///   anchors with objectness `> conf`, class scores multiplied by it, best class `> conf`, then the same
///   offset NMS; YOLOv5's own `scale_boxes`. Defaults conf 0.25, iou 0.45.
/// - ``Head/end2end`` (YOLOv10 and YOLO26-style NMS-free heads): `[1, K, 6 + extra]` of
///   `x1, y1, x2, y2, score, class`: rows with `score > conf` (and a listed class), the first `max_det` in
///   output order, then `scale_boxes`. No NMS.
///
/// With ``CandidateSuppression/method(_:_:)`` the candidates that pass the confidence filter and the `max_nms`
/// cap go through that method instead of the offset NMS.
public struct YOLODecoder: Sendable {
    /// The YOLO output layouts.
    public enum Head: String, Sendable, CaseIterable {
        /// Anchor-free Ultralytics heads (YOLOv8, v9, YOLO11, YOLO12): box then class scores, no objectness.
        case yolov8
        /// Ultralytics' oriented-box heads (YOLOv8-OBB, YOLO11-OBB): box, class scores, then the angle.
        case yolov8OBB = "yolov8-obb"
        /// YOLOv5's anchor-based head: box, objectness, class probabilities.
        case yolov5
        /// NMS-free end-to-end heads (YOLOv10, YOLO26): final boxes, score and class.
        case end2end = "yolo-end2end"
    }

    /// Thresholds and caps, named after Ultralytics' arguments.
    public struct Options: Sendable, Equatable {
        /// `conf`: a candidate needs a score strictly above it.
        public var confidenceThreshold: Float
        /// `iou`: the NMS overlap threshold.
        public var iouThreshold: Float
        /// `max_det`: detections kept per image.
        public var maxDetections: Int
        /// `max_nms`: candidates passed to NMS (the best by score).
        public var maxCandidates: Int
        /// `agnostic`: one NMS across classes.
        public var classAgnostic: Bool
        /// `classes`: keep only these class indices (nil: all).
        public var classes: [Int]?
        /// Channels after the class scores (mask coefficients, keypoints), ignored by detection.
        public var extraChannels: Int
        /// `multi_label`: every (box, class) pair scoring above the threshold is a candidate, not only the best
        /// class of each box (ignored with a single class and by end-to-end heads).
        public var multiLabel: Bool

        /// Options; the defaults are Ultralytics' predictor's (`iou` 0.7; YOLOv5's own default is 0.45).
        public init(
            confidenceThreshold: Float = 0.25, iouThreshold: Float = 0.7, maxDetections: Int = 300, maxCandidates: Int = 30000,
            classAgnostic: Bool = false, classes: [Int]? = nil, extraChannels: Int = 0, multiLabel: Bool = false
        ) {
            self.confidenceThreshold = confidenceThreshold
            self.iouThreshold = iouThreshold
            self.maxDetections = maxDetections
            self.maxCandidates = maxCandidates
            self.classAgnostic = classAgnostic
            self.classes = classes
            self.extraChannels = extraChannels
            self.multiLabel = multiLabel
        }

        /// The defaults of a head's own library: YOLOv5 uses iou 0.45, the others Ultralytics' 0.7.
        public static func defaults(for head: Head) -> Options {
            head == .yolov5 ? Options(iouThreshold: 0.45) : Options()
        }

        func validate() throws {
            func bad(_ message: String) -> DecodingError { DecodingError(source: "options", message: message) }
            guard confidenceThreshold.isFinite, (0...1).contains(confidenceThreshold) else {
                throw bad("confidence threshold \(confidenceThreshold) is not in [0, 1]")
            }
            guard iouThreshold.isFinite, (0...1).contains(iouThreshold) else { throw bad("IoU threshold \(iouThreshold) is not in [0, 1]") }
            guard maxDetections >= 0, maxCandidates >= 0, extraChannels >= 0 else {
                throw bad("max detections, max candidates and extra channels must not be negative")
            }
        }
    }

    /// Ultralytics' and YOLOv5's `max_wh`: the offset per class that keeps classes apart in one NMS.
    public static let classOffset: Float = 7680

    /// The head's layout.
    public var head: Head
    /// Thresholds and caps.
    public var options: Options

    /// A decoder for `head` with `options` (default: its library's defaults).
    public init(head: Head, options: Options? = nil) {
        self.head = head
        self.options = options ?? .defaults(for: head)
    }

    /// The detections of one image: `output` is the head's tensor, `mapping` takes input pixels back to the image;
    /// categories are class indices, every record's image is `imageID`.
    public func decode(_ output: RawTensor, mapping: LetterboxMapping, suppression: CandidateSuppression = .native, imageID: Int = 0) throws -> Detections {
        var candidates = try self.candidates(output, imageID: imageID)
        if case .method = suppression {
            candidates = try suppression.thin(candidates)
        } else if head == .yolov8OBB {
            candidates = try offsetFastNMS(candidates)
        } else if head != .end2end {
            candidates = try offsetNMS(candidates)
        }
        let convention: LetterboxMapping.Convention = head == .yolov5 ? .yolov5 : .ultralytics
        let mapped = try LetterboxMapping(
            imageWidth: mapping.imageWidth, imageHeight: mapping.imageHeight, inputWidth: mapping.inputWidth,
            inputHeight: mapping.inputHeight, convention: convention)
        if let rotated = candidates.rotated {
            return try Detections(
                rotated: rotated.map { mapped.toImage($0) }, scores: candidates.scores, categories: candidates.categories,
                images: candidates.images
            ).requiringFinite(source: output.source)
        }
        var boxes = BoxArray()
        boxes.reserveCapacity(candidates.count)
        for b in candidates.boxes {
            let (x1, y1, x2, y2) = mapped.toImage(b.x1, b.y1, b.x2, b.y2)
            boxes.append(Box(x1: x1, y1: y1, x2: x2, y2: y2))
        }
        candidates.boxes = boxes
        return candidates
    }

    /// The candidates in input pixels, after the confidence and class filters and the `max_nms` cap (for
    /// ``Head/end2end``: the final rows), in the library's order.
    public func candidates(_ output: RawTensor, imageID: Int = 0) throws -> Detections {
        try options.validate()
        if head != .yolov8, head != .yolov8OBB { try output.checkFinite() }  // these check while they scan
        let allowed = options.classes.map(Set.init)
        var boxes = BoxArray(), scores: [Float] = [], classes: [Int] = [], rotated: [RotatedBox] = []
        func add(_ x1: Float, _ y1: Float, _ x2: Float, _ y2: Float, _ score: Float, _ cls: Int) {
            if let allowed, !allowed.contains(cls) { return }
            boxes.append(Box(x1: x1, y1: y1, x2: x2, y2: y2))
            scores.append(score)
            classes.append(cls)
        }
        let v = output.values
        let conf = options.confidenceThreshold
        switch head {
        case .yolov8:
            let layout = try anchorLayout(output, angle: false)
            let (anchors, classCount, channelStride, anchorStride) = (layout.anchors, layout.classes, layout.channelStride, layout.anchorStride)
            let (best, bestClass) = try Self.bestClasses(v, anchors: anchors, classes: classCount, channelsFirst: layout.channelsFirst, source: output.source)
            for a in 0..<anchors where best[a] > conf {
                let base = a * anchorStride
                let cx = v[base], cy = v[base + channelStride], hw = v[base + 2 * channelStride] / 2, hh = v[base + 3 * channelStride] / 2
                if options.multiLabel, classCount > 1 {
                    for c in 0..<classCount where v[base + (4 + c) * channelStride] > conf {
                        add(cx - hw, cy - hh, cx + hw, cy + hh, v[base + (4 + c) * channelStride], c)
                    }
                } else {
                    add(cx - hw, cy - hh, cx + hw, cy + hh, best[a], Int(bestClass[a]))
                }
            }
        case .yolov8OBB:
            let layout = try anchorLayout(output, angle: true)
            let (anchors, classCount, channelStride, anchorStride) = (layout.anchors, layout.classes, layout.channelStride, layout.anchorStride)
            let (best, bestClass) = try Self.bestClasses(v, anchors: anchors, classes: classCount, channelsFirst: layout.channelsFirst, source: output.source)
            for a in 0..<anchors where best[a] > conf {
                let base = a * anchorStride, cls = Int(bestClass[a])
                if let allowed, !allowed.contains(cls) { continue }
                let r = RotatedBox(
                    cx: v[base], cy: v[base + channelStride], width: v[base + 2 * channelStride], height: v[base + 3 * channelStride],
                    angle: v[base + (4 + classCount) * channelStride])
                guard r.width >= 0, r.height >= 0 else {
                    throw DecodingError(source: output.source, message: "anchor \(a): box \(r) has a negative width or height")
                }
                rotated.append(r)
                boxes.append(r.enclosingBox)
                scores.append(best[a])
                classes.append(cls)
            }
        case .yolov5:
            let s = try output.squeezed(toRank: 2, expecting: "[1, anchors, 5 + classes]")
            let anchors = s[0], channels = s[1]
            let classCount = channels - 5 - options.extraChannels
            guard classCount >= 1 else {
                throw DecodingError(
                    source: output.source, message: "shape \(output.shape) has \(channels) channels: no room for a box, objectness, a class and \(options.extraChannels) extra")
            }
            for a in 0..<anchors {
                let base = a * channels
                let objectness = v[base + 4]
                guard objectness > conf else { continue }
                let cx = v[base], cy = v[base + 1], hw = v[base + 2] / 2, hh = v[base + 3] / 2
                if options.multiLabel, classCount > 1 {
                    for c in 0..<classCount where v[base + 5 + c] * objectness > conf {
                        add(cx - hw, cy - hh, cx + hw, cy + hh, v[base + 5 + c] * objectness, c)
                    }
                    continue
                }
                var best: Float = -.infinity, bestClass = 0
                for c in 0..<classCount {
                    let score = v[base + 5 + c] * objectness
                    if score > best { best = score; bestClass = c }
                }
                guard best > conf else { continue }
                add(cx - hw, cy - hh, cx + hw, cy + hh, best, bestClass)
            }
        case .end2end:
            let s = try output.squeezed(toRank: 2, expecting: "[1, detections, 6]")
            let rows = s[0], channels = s[1]
            guard channels >= 6 else {
                throw DecodingError(source: output.source, message: "shape \(output.shape) has \(channels) values per row, not x1, y1, x2, y2, score, class")
            }
            for r in 0..<rows where boxes.count < options.maxDetections {
                let base = r * channels
                guard v[base + 4] > conf else { continue }
                let label = v[base + 5]
                guard label >= 0, label < Float(Int32.max), label == label.rounded() else {
                    throw DecodingError(source: output.source, message: "row \(r): class \(label) is not a class index")
                }
                add(v[base], v[base + 1], v[base + 2], v[base + 3], v[base + 4], Int(label))
            }
        }
        var detections = try Detections(
            boxes: boxes, scores: scores, categories: classes, images: [Int](repeating: imageID, count: scores.count),
            rotated: head == .yolov8OBB ? rotated : nil
        ).requiringFinite(source: output.source)
        if head != .end2end, detections.count > options.maxCandidates {
            detections = detections.gathering(Array(Self.byScore(detections.scores).prefix(options.maxCandidates)))
        }
        return detections
    }

    /// The layout of an anchor-free Ultralytics output, `[1, 4 + C (+ 1 angle) + extra, N]` as exported or its
    /// transpose (recognised by having more channels than anchors): anchors, classes and the strides between
    /// channels and between anchors. Throws when no class fits.
    private func anchorLayout(_ output: RawTensor, angle: Bool) throws
        -> (anchors: Int, classes: Int, channelStride: Int, anchorStride: Int, channelsFirst: Bool)
    {
        let box = angle ? "4 + classes + 1" : "4 + classes"
        let s = try output.squeezed(toRank: 2, expecting: "[1, \(box), anchors] or [1, anchors, \(box)]")
        // As exported the channels come first and are fewer than the anchors; a transposed output has them last.
        let channelsFirst = s[0] <= s[1]
        let channels = channelsFirst ? s[0] : s[1], anchors = channelsFirst ? s[1] : s[0]
        let classes = channels - (angle ? 5 : 4) - options.extraChannels
        guard classes >= 1 else {
            throw DecodingError(
                source: output.source,
                message: "shape \(output.shape) has \(channels) channels: no room for 4 box values, a class\(angle ? ", the angle" : "") and \(options.extraChannels) extra")
        }
        return (anchors, classes, channelsFirst ? anchors : 1, channelsFirst ? 1 : channels, channelsFirst)
    }

    /// Ultralytics' OBB suppression: Fast NMS on ProbIoU over all candidates, centres offset by `class · 7680` in
    /// `Float` (0 when class-agnostic), the first `max_det` by score.
    func offsetFastNMS(_ c: Detections) throws -> Detections {
        let shifted = zip(c.rotated ?? [], c.categories).map { r, cls in
            let o = options.classAgnostic ? Float(0) : Float(cls) * Self.classOffset
            return RotatedBox(cx: r.cx + o, cy: r.cy + o, width: r.width, height: r.height, angle: r.angle)
        }
        let kept = RotatedNMS.fast(shifted, scores: c.scores, threshold: options.iouThreshold, overlap: .probIoU)
        return c.gathering(Array(kept.prefix(options.maxDetections)))
    }

    /// Ultralytics' batched NMS: boxes offset by `class · 7680` in `Float` (as `x[:, :4] + c` computes them), one
    /// greedy NMS over all of them (torchvision's `nms`), the first `max_det` by score.
    func offsetNMS(_ c: Detections) throws -> Detections {
        let offsets = c.categories.map { options.classAgnostic ? Float(0) : Float($0) * Self.classOffset }
        let shifted = BoxArray(
            zip(c.boxes, offsets).map { b, o in Box(x1: b.x1 + o, y1: b.y1 + o, x2: b.x2 + o, y2: b.y2 + o) })
        let kept = try GreedyNMS(iouThreshold: options.iouThreshold).apply(
            to: Detections(boxes: shifted, scores: c.scores),
            options: SuppressionOptions(classAgnostic: true, maxDetections: options.maxDetections))
        return c.gathering(kept.map(\.index))
    }

    /// Each anchor's highest class score and its class (the first on ties, as `max` gives it), for an output of
    /// `4 + classes (+ extra)` channels; throws, naming `source`, when a value is not finite. Channels first,
    /// the class rows are one matrix scanned by `columnArgmax` (vectorised, in memory order).
    static func bestClasses(_ v: [Float], anchors: Int, classes: Int, channelsFirst: Bool, source: String) throws -> (scores: [Float], classes: [Int32]) {
        if channelsFirst {
            let (best, labels, finite, boxesFinite) = v.withUnsafeBufferPointer {
                let (best, labels, finite) = columnArgmax(UnsafeBufferPointer(rebasing: $0[(4 * anchors)...]), rows: classes, columns: anchors)
                let others = RawTensor.allFinite(UnsafeBufferPointer(rebasing: $0[..<(4 * anchors)]))
                    && RawTensor.allFinite(UnsafeBufferPointer(rebasing: $0[((4 + classes) * anchors)...]))
                return (best, labels, finite, others)
            }
            guard finite, boxesFinite else { try RawTensor(shape: [v.count], values: v, source: source).checkFinite(); return (best, labels) }
            return (best, labels)
        }
        try RawTensor(shape: [v.count], values: v, source: source).checkFinite()
        var best = [Float](repeating: -.infinity, count: anchors)
        var bestClass = [Int32](repeating: 0, count: anchors)
        let channels = v.count / Swift.max(anchors, 1)
        for a in 0..<anchors {
            for c in 0..<classes where v[a * channels + 4 + c] > best[a] {
                best[a] = v[a * channels + 4 + c]
                bestClass[a] = Int32(c)
            }
        }
        return (best, bestClass)
    }

    /// Positions by score, highest first, equal scores in input order.
    static func byScore(_ scores: [Float]) -> [Int] {
        scores.indices.sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
    }
}
