import Boxes
import DetectKitTestSupport
import Suppression
import Testing

@Suite struct ApplySuppressorTests {
    /// A user-written method: keeps the best box of each group, doubling nothing else.
    struct KeepBest: Suppressor {
        var name: String { "best" }
        func suppress(_ group: SuppressionGroup) throws -> [GroupSelection] {
            group.order.prefix(1).map { group.kept($0) }
        }
    }

    static func detections() throws -> Detections {
        // Image 7 first, then image 3; in image 7 two overlapping boxes of different classes.
        try Detections(
            boxes: BoxArray([
                Box(x1: 0, y1: 0, x2: 10, y2: 10), Box(x1: 1, y1: 1, x2: 11, y2: 11), Box(x1: 0, y1: 0, x2: 10, y2: 10),
                Box(x1: 50, y1: 50, x2: 60, y2: 60), Box(x1: 0, y1: 0, x2: 10, y2: 10),
            ]),
            scores: [0.5, 0.9, 0.7, 0.6, 0.8], categories: [1, 2, 1, 1, 2], images: [7, 7, 3, 7, 3])
    }

    @Test func groupsByImageAndCategoryAndOrdersImagesByFirstAppearance() throws {
        let kept = try GreedyNMS.nms().apply(to: Self.detections())
        // Image 7: all three survive per class (0.9, 0.6, 0.5); image 3: both (0.8, 0.7).
        #expect(kept.map(\.index) == [1, 3, 0, 4, 2])
    }

    @Test func classAgnosticSuppressesAcrossCategories() throws {
        let kept = try GreedyNMS.nms().apply(to: Self.detections(), options: SuppressionOptions(classAgnostic: true))
        #expect(kept.map(\.index) == [1, 3, 4])
    }

    @Test func capsPerGroupAndPerImage() throws {
        let d = try Self.detections()
        let perGroup = try KeepBest().apply(to: d, options: SuppressionOptions(maxPerGroup: 1))
        #expect(perGroup.map(\.index) == [1, 3, 4, 2])
        let perImage = try GreedyNMS.nms().apply(to: d, options: SuppressionOptions(maxDetections: 1))
        #expect(perImage.map(\.index) == [1, 4])
        #expect(try GreedyNMS.nms().apply(to: d, options: SuppressionOptions(maxDetections: 0)).isEmpty)
    }

    @Test func scoreThresholdDropsRecordsFirst() throws {
        let kept = try GreedyNMS.nms().apply(to: Self.detections(), options: SuppressionOptions(scoreThreshold: 0.65))
        #expect(kept.map(\.index) == [1, 4, 2])
    }

    @Test func userWrittenSuppressorPlugsIn() throws {
        let methods: [any Suppressor] = [KeepBest(), GreedyNMS.nms()]
        #expect(try methods[0].apply(to: Self.detections()).map(\.index) == [1, 3, 4, 2])
    }

    @Test func groupsAreIndependentOfEachOther() throws {
        // Per-class suppression equals running each class alone, whatever the coordinates (negative and huge).
        var d = try RandomDetections.make(seed: 9, count: 400, categories: 3)
        for i in 0..<d.count where i % 3 == 0 {
            let b = d.boxes[i]
            d.boxes[i] = Box(x1: b.x1 - 5000, y1: b.y1 * 1000, x2: b.x2 - 5000, y2: b.y2 * 1000)
        }
        for method in SuppressionMethod.names {
            let s = try SuppressionMethod(method).makeSuppressor()
            let together = try s.apply(to: d)
            var separately: [KeptDetection] = []
            for c in 0..<3 {
                let idx = (0..<d.count).filter { d.categories[$0] == c }
                let sub = try Detections(
                    boxes: d.boxes.gathering(idx), scores: idx.map { d.scores[$0] },
                    deviations: idx.map { d.deviations![$0] }, models: idx.map { d.models![$0] })
                separately += try s.apply(to: sub).map { KeptDetection(index: idx[$0.index], score: $0.score, box: $0.box) }
            }
            separately.sort { $0.score != $1.score ? $0.score > $1.score : $0.index < $1.index }
            if method == "wbf" {
                // The model count is global (3 models); each class alone sees the same 3 models here.
                #expect(Set(d.models!).count == 3)
            }
            #expect(together == separately, "\(method)")
        }
    }

    @Test(arguments: [
        (Box(x1: .nan, y1: 0, x2: 1, y2: 1), Float(0.5), "NaN"),
        (Box(x1: 0, y1: 0, x2: .infinity, y2: 1), 0.5, "NaN or infinite"),
        (Box(x1: 0, y1: 0, x2: 1, y2: 1), .nan, "not finite"),
        (Box(x1: 2, y1: 0, x2: 1, y2: 1), 0.5, "negative width"),
    ])
    func invalidRecordsAreNamed(box: Box, score: Float, reason: String) throws {
        let d = try Detections(boxes: BoxArray([Box(x1: 0, y1: 0, x2: 1, y2: 1), box]), scores: [0.9, score])
        do {
            _ = try GreedyNMS.nms().apply(to: d)
            Issue.record("expected an error")
        } catch SuppressionError.invalidDetection(let index, let message) {
            #expect(index == 1)
            #expect(message.contains(reason.split(separator: " ")[0]))
        }
    }

    /// Oriented detections come out with their oriented boxes (fused ones too), per image and category; methods
    /// without an oriented form, and methods of the user's that do not say they take oriented boxes, are refused.
    @Test func orientedDetections() throws {
        let a = RotatedBox(cx: 20, cy: 20, width: 30, height: 10, angle: 0.5)
        let b = RotatedBox(cx: 21, cy: 20, width: 10, height: 30, angle: 0.5 + .pi / 2)  // a, shifted by 1
        let c = RotatedBox(cx: 20, cy: 20, width: 30, height: 10, angle: 0.5 + .pi / 2)  // a turned by 90°
        let d = try Detections(rotated: [a, b, c], scores: [0.9, 0.8, 0.7], images: [1, 1, 1])
        #expect(d.boxes[0] == a.enclosingBox)
        let nms = try GreedyNMS.nms().apply(to: d)
        #expect(nms.map(\.index) == [0, 2] && nms.map(\.rotated) == [a, c] && nms[1].box == c.enclosingBox)
        // Weighted NMS fuses a and b at a's angle: b is written (30, 10, 0.5) before averaging.
        let weighted = try WeightedNMS().apply(to: d)
        let fused = try #require(weighted.first?.rotated)
        #expect(abs(fused.angle - 0.5) < 1e-6 && abs(fused.width - 30) < 1e-4 && abs(fused.height - 10) < 1e-4)
        #expect(fused.cx > 20 && fused.cx < 21)
        #expect(throws: SuppressionError.invalidParameter(
            name: "method", value: "softer", reason: "does not take oriented boxes (suppress their axis-aligned boxes instead)")) {
            try SofterNMS().apply(to: d)
        }
        #expect(throws: SuppressionError.self) { try KeepBest().apply(to: d) }
        #expect(throws: SuppressionError.self) { try GreedyNMS.diou().apply(to: d) }
    }

    @Test(arguments: [
        (RotatedBox(cx: .nan, cy: 0, width: 1, height: 1, angle: 0), "NaN"),
        (RotatedBox(cx: 0, cy: 0, width: 1, height: 1, angle: .infinity), "NaN or infinite"),
        (RotatedBox(cx: 0, cy: 0, width: -1, height: 1, angle: 0), "negative width"),
    ])
    func invalidOrientedRecordsAreNamed(box: RotatedBox, reason: String) throws {
        let d = try Detections(rotated: [RotatedBox(cx: 0, cy: 0, width: 1, height: 1, angle: 0), box], scores: [0.9, 0.5])
        #expect(throws: SuppressionError.invalidDetection(index: 1, reason: "rbox \(box) has a \(reason == "negative width" ? "negative width or height" : "NaN or infinite value")")) {
            try NonMaximumMerging().apply(to: d)
        }
    }

    @Test func invalidParametersAreRejected() throws {
        let d = try Self.detections()
        #expect(throws: SuppressionError.self) { try GreedyNMS.nms(iouThreshold: 1.5).apply(to: d) }
        #expect(throws: SuppressionError.self) { try SoftNMS.gaussian(sigma: 0).apply(to: d) }
        #expect(throws: SuppressionError.self) { try GreedyNMS.diou(beta: -1).apply(to: d) }
        #expect(throws: SuppressionError.self) { try GreedyNMS.nms().apply(to: d, options: SuppressionOptions(maxPerGroup: -1)) }
        #expect(throws: SuppressionError.self) {
            try SofterNMS().apply(to: Detections(boxes: d.boxes, scores: d.scores, deviations: [SIMD4<Float>](repeating: SIMD4(1, 1, 0, 1), count: 5)))
        }
        #expect(throws: DetectionsError.lengthMismatch(field: "scores", expected: 5, actual: 1)) {
            try Detections(boxes: d.boxes, scores: [1])
        }
    }

    @Test func emptyAndSingleInputs() throws {
        for name in SuppressionMethod.names {
            let s = try SuppressionMethod(name).makeSuppressor()
            #expect(try s.apply(to: Detections(boxes: BoxArray(), scores: [])).isEmpty)
            let one = try s.apply(to: Detections(boxes: BoxArray([Box(x1: 1, y1: 2, x2: 3, y2: 4)]), scores: [0.5]))
            #expect(one == [KeptDetection(index: 0, score: 0.5, box: Box(x1: 1, y1: 2, x2: 3, y2: 4))], "\(name)")
        }
    }

    /// Many identical boxes with equal scores: every method finishes and keeps the first (the merging methods
    /// report the last, whose category SAHI's merge keeps on equal scores).
    @Test func manyIdenticalBoxes() throws {
        let n = 20_000
        let d = try Detections(
            boxes: BoxArray([Box](repeating: Box(x1: 5, y1: 5, x2: 25, y2: 45), count: n)),
            scores: [Float](repeating: 0.75, count: n))
        for name in SuppressionMethod.names where !["matrix-gaussian", "matrix-linear"].contains(name) {
            let kept = try SuppressionMethod(name).makeSuppressor().apply(to: d)
            let merging = ["greedy-nmm", "nmm"].contains(name)
            #expect(kept.first?.index == (merging ? n - 1 : 0), "\(name)")
            if ["nms", "diou", "ciou", "cluster", "weighted", "wbf", "greedy-nmm", "nmm"].contains(name) { #expect(kept.count == 1, "\(name)") }
        }
    }
}
