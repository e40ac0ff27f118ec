import Boxes
import Foundation
import Suppression
import Testing

/// Small cases whose results were worked out by hand from the formulas in each method's doc comment.
@Suite struct HandWorkedTests {
    /// a = [0,0,10,10]; b = [1,0,11,10] (IoU 90/110 = 9/11); c = [5,0,15,10] (IoU(a,c) = 1/3, IoU(b,c) = 60/140 = 3/7);
    /// d far away.
    static let boxes = BoxArray([
        Box(x1: 0, y1: 0, x2: 10, y2: 10), Box(x1: 1, y1: 0, x2: 11, y2: 10), Box(x1: 5, y1: 0, x2: 15, y2: 10),
        Box(x1: 100, y1: 100, x2: 110, y2: 110),
    ])
    static let scores: [Float] = [0.9, 0.8, 0.7, 0.6]

    static func run(_ s: some Suppressor, boxes: BoxArray = boxes, scores: [Float] = scores,
                    options: SuppressionOptions = .init()) throws -> [KeptDetection] {
        try s.apply(to: Detections(boxes: boxes, scores: scores), options: options)
    }

    @Test func greedyNMS() throws {
        // a keeps; b (9/11 > 0.5) suppressed; c (1/3 with a) kept; d kept.
        #expect(try Self.run(GreedyNMS.nms(iouThreshold: 0.5)).map(\.index) == [0, 2, 3])
        // At 0.3 c is suppressed by a (1/3 > 0.3).
        #expect(try Self.run(GreedyNMS.nms(iouThreshold: 0.3)).map(\.index) == [0, 3])
    }

    @Test func softLinear() throws {
        // Pick a: b (9/11 > 0.3) → 0.8·(2/11); c (1/3 > 0.3) → 0.7·(2/3). Next pick c (0.4667): b gets
        // ·(1 - 3/7) → 0.8·(2/11)·(4/7). Order: a, d (0.6), c, b.
        let kept = try Self.run(SoftNMS.linear(iouThreshold: 0.3))
        #expect(kept.map(\.index) == [0, 3, 2, 1])
        let c = Float(0.7) * (1 - Float(1) / 3)
        #expect(abs(kept[2].score - c) < 1e-6)
        #expect(abs(kept[3].score - Float(0.8) * (2.0 / 11) * (4.0 / 7)) < 1e-6)
    }

    @Test func softGaussian() throws {
        let kept = try Self.run(SoftNMS.gaussian(sigma: 0.5))
        let iouAB: Float = 9.0 / 11, iouAC: Float = 1.0 / 3, iouBC: Float = 3.0 / 7
        let c = 0.7 * expf(-iouAC * iouAC / 0.5)
        let b = 0.8 * expf(-iouAB * iouAB / 0.5)
        // After a: b = 0.2100, c = 0.5600; d 0.6 next, then c, which decays b once more.
        #expect(kept.map(\.index) == [0, 3, 2, 1])
        #expect(abs(kept[2].score - c) < 1e-6)
        #expect(abs(kept[3].score - b * expf(-iouBC * iouBC / 0.5)) < 1e-6)
    }

    @Test func softThresholdDropsDecayedBoxes() throws {
        let kept = try Self.run(SoftNMS.linear(iouThreshold: 0.3), options: SuppressionOptions(scoreThreshold: 0.2))
        // b decays to 0.8·2/11 = 0.145 < 0.2 and is dropped at once.
        #expect(kept.map(\.index) == [0, 3, 2])
    }

    @Test func weightedNMS() throws {
        // Cluster of a at 0.5: {a, b}; weights 0.9 and 0.8·9/11.
        let kept = try Self.run(WeightedNMS(iouThreshold: 0.5))
        #expect(kept.map(\.index) == [0, 2, 3])
        let wb = 0.8 * 9.0 / 11
        let x1 = (0.9 * 0 + wb * 1) / (0.9 + wb), x2 = (0.9 * 10 + wb * 11) / (0.9 + wb)
        #expect(abs(Double(kept[0].box.x1) - x1) < 1e-5 && abs(Double(kept[0].box.x2) - x2) < 1e-5)
        #expect(kept[0].score == 0.9)
        #expect(kept[1].box == Self.boxes[2])
    }

    @Test func weightedBoxesFusion() throws {
        // a, b fuse (IoU 9/11 > 0.55); c's IoU with the fused box is below 0.55; d alone.
        let kept = try Self.run(WeightedBoxesFusion(iouThreshold: 0.55))
        #expect(kept.map(\.index) == [0, 2, 3])
        #expect(abs(kept[0].box.x1 - Float(0.8 / 1.7)) < 1e-6)
        #expect(abs(kept[0].score - 0.85) < 1e-6)  // (0.9 + 0.8) / 2 · min(2, 1) / 1
    }

    @Test func wbfRescalesByModelCount() throws {
        // Two models: a cluster of 2 boxes keeps its mean score, a lone box is halved.
        let d = try Detections(boxes: Self.boxes, scores: Self.scores, models: [0, 1, 0, 1])
        let kept = try WeightedBoxesFusion(iouThreshold: 0.55).apply(to: d)
        #expect(abs(kept[0].score - 0.85) < 1e-6)
        #expect(abs(kept.first { $0.index == 3 }!.score - 0.3) < 1e-6)
    }

    @Test func diouSeparatesDistantCentres() throws {
        // a and c: IoU 1/3, ρ² = 25, c² = 15² + 10² = 325 → DIoU = 1/3 - 25/325 = 0.2564.
        #expect(try Self.run(GreedyNMS.diou(iouThreshold: 0.3)).map(\.index) == [0, 2, 3])
        #expect(try Self.run(GreedyNMS.nms(iouThreshold: 0.3)).map(\.index) == [0, 3])
    }

    @Test func clusterEqualsGreedy() throws {
        for t: Float in [0.3, 0.5, 0.85] {
            #expect(try Self.run(ClusterNMS(iouThreshold: t)) == Self.run(GreedyNMS.nms(iouThreshold: t)))
        }
    }

    @Test func matrixLinear() throws {
        // comp: a 0, b 9/11, c 3/7. decay(b) = min(1 - 9/11) = 2/11; decay(c) = min((1 - 1/3)/1, (1 - 3/7)/(1 - 9/11)) = 2/3.
        let kept = try Self.run(MatrixNMS.linear)
        #expect(kept.map(\.index) == [0, 3, 2, 1])
        #expect(abs(kept[2].score - Float(0.7) * 2 / 3) < 1e-6)
        #expect(abs(kept[3].score - Float(0.8) * 2 / 11) < 1e-6)
    }

    @Test func softerVotesWithDeviations() throws {
        // Only a and b overlap enough to matter; b has a tiny σ on x1, so x1 is pulled to b's 1.
        let d = try Detections(
            boxes: Self.boxes, scores: Self.scores,
            deviations: [SIMD4(10, 1, 10, 1), SIMD4(0.01, 1, 10, 1), SIMD4(10, 10, 10, 10), SIMD4(1, 1, 1, 1)])
        let kept = try SofterNMS(voteSigma: 0.02, voteIoU: 0.5).apply(to: d)
        #expect(kept[0].index == 0)
        #expect(abs(kept[0].box.x1 - 1) < 1e-3)
        #expect(kept[0].box.y1 == 0 && kept[0].box.y2 == 10)
        let p = Foundation.exp(-pow(1 - 9.0 / 11, 2) / 0.02)
        let x2 = (10.0 / 100 + p * 11 / 100) / (1.0 / 100 + p / 100)
        #expect(abs(Double(kept[0].box.x2) - x2) < 1e-4)
    }

    /// IoU exactly at the threshold does not count as above it: `[0,0,2,1]` and `[0,0,1,1]` have IoU 1/2 exactly.
    @Test func iouExactlyAtTheThresholdIsKept() throws {
        let boxes = BoxArray([Box(x1: 0, y1: 0, x2: 2, y2: 1), Box(x1: 0, y1: 0, x2: 1, y2: 1)])
        let scores: [Float] = [0.9, 0.8]
        #expect(boxes[0].iou(boxes[1]) == 0.5)
        for s: any Suppressor in [GreedyNMS.nms(iouThreshold: 0.5), ClusterNMS(iouThreshold: 0.5), WeightedNMS(iouThreshold: 0.5)] {
            #expect(try Self.run(s, boxes: boxes, scores: scores).count == 2, "\(s.name)")
        }
        #expect(try Self.run(SoftNMS.linear(iouThreshold: 0.5), boxes: boxes, scores: scores).map(\.score) == [0.9, 0.8])
        // Just below it, the second box goes (or, for soft-linear, is halved).
        let below = Float(0.5).nextDown
        #expect(try Self.run(GreedyNMS.nms(iouThreshold: below), boxes: boxes, scores: scores).count == 1)
        #expect(try Self.run(ClusterNMS(iouThreshold: below), boxes: boxes, scores: scores).count == 1)
        #expect(try Self.run(SoftNMS.linear(iouThreshold: below), boxes: boxes, scores: scores).map(\.score) == [0.9, 0.4])
    }

    @Test func equalScoresKeepInputOrder() throws {
        let same = BoxArray([Box](repeating: Box(x1: 0, y1: 0, x2: 1, y2: 1), count: 5))
        let scores = [Float](repeating: 0.5, count: 5)
        #expect(try Self.run(GreedyNMS.nms(), boxes: same, scores: scores).map(\.index) == [0])
        #expect(try Self.run(SoftNMS.gaussian(), boxes: same, scores: scores).first?.index == 0)
        #expect(try Self.run(WeightedNMS(), boxes: same, scores: scores).map(\.index) == [0])
        // Separate boxes with equal scores come out in input order.
        let apart = BoxArray((0..<5).map { Box(x1: Float($0) * 10, y1: 0, x2: Float($0) * 10 + 1, y2: 1) })
        #expect(try Self.run(GreedyNMS.nms(), boxes: apart, scores: scores).map(\.index) == [0, 1, 2, 3, 4])
        #expect(try Self.run(SoftNMS.gaussian(), boxes: apart, scores: scores).map(\.index) == [0, 1, 2, 3, 4])
    }

    @Test func zeroAreaBoxesNeverSuppressOrGetSuppressed() throws {
        let boxes = BoxArray([
            Box(x1: 0, y1: 0, x2: 10, y2: 10), Box(x1: 5, y1: 0, x2: 5, y2: 10), Box(x1: 5, y1: 0, x2: 5, y2: 10),
            Box(x1: 2, y1: 2, x2: 2, y2: 2),
        ])
        let scores: [Float] = [0.5, 0.9, 0.8, 0.7]
        for s: any Suppressor in [GreedyNMS.nms(iouThreshold: 0), GreedyNMS.diou(iouThreshold: 0), ClusterNMS(iouThreshold: 0)] {
            #expect(try Self.run(s, boxes: boxes, scores: scores).count == 4, "\(s.name)")
        }
        #expect(try Self.run(SoftNMS.linear(iouThreshold: 0), boxes: boxes, scores: scores).map(\.score) == [0.9, 0.8, 0.7, 0.5])
    }
}
