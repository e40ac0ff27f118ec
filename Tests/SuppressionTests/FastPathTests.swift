import Boxes
import DetectKitTestSupport
import Suppression
import Testing

/// Every method's fast path equals its plain scalar reference exactly (positions, score bits, box bits), over
/// many seeds, thresholds, sizes, coordinate kinds and both conventions (the torchvision `TestNMS` habit).
@Suite struct FastPathTests {
    typealias Run = @Sendable (SuppressionGroup) throws -> [GroupSelection]

    struct Method: CustomTestStringConvertible, Sendable {
        var name: String
        var fast: Run
        var reference: Run
        var testDescription: String { name }
    }

    static let methods: [Method] = {
        var all: [Method] = []
        for t: Float in [0, 0.3, 0.5, 0.7, 1] {
            let nms = GreedyNMS.nms(iouThreshold: t), diou = GreedyNMS.diou(iouThreshold: t)
            let diouBeta = GreedyNMS.diou(iouThreshold: t, beta: 0.6), ciou = GreedyNMS.ciou(iouThreshold: t)
            let linear = SoftNMS.linear(iouThreshold: t), weighted = WeightedNMS(iouThreshold: t)
            let cluster = ClusterNMS(iouThreshold: t), clusterDIoU = ClusterNMS(iouThreshold: t, criterion: .diou(beta: 1))
            let wbf = WeightedBoxesFusion(iouThreshold: t), softer = SofterNMS(voteIoU: t)
            all += [
                Method(name: "nms \(t)", fast: nms.suppress, reference: nms.reference),
                Method(name: "diou \(t)", fast: diou.suppress, reference: diou.reference),
                Method(name: "diou β0.6 \(t)", fast: diouBeta.suppress, reference: diouBeta.reference),
                Method(name: "ciou \(t)", fast: ciou.suppress, reference: ciou.reference),
                Method(name: "soft-linear \(t)", fast: linear.suppress, reference: linear.reference),
                Method(name: "weighted \(t)", fast: weighted.suppress, reference: weighted.reference),
                Method(name: "cluster \(t)", fast: cluster.suppress, reference: cluster.reference),
                Method(name: "cluster-diou \(t)", fast: clusterDIoU.suppress, reference: clusterDIoU.reference),
                Method(name: "wbf \(t)", fast: wbf.suppress, reference: wbf.reference),
                Method(name: "softer vote_iou \(t)", fast: softer.suppress, reference: softer.reference),
            ]
        }
        for s: Float in [0.1, 0.5, 2] {
            let gaussian = SoftNMS.gaussian(sigma: s), matrix = MatrixNMS.gaussian(sigma: s)
            let softer = SofterNMS(sigma: s, voteSigma: s / 10)
            all += [
                Method(name: "soft-gaussian \(s)", fast: gaussian.suppress, reference: gaussian.reference),
                Method(name: "matrix-gaussian \(s)", fast: matrix.suppress, reference: matrix.reference),
                Method(name: "softer \(s)", fast: softer.suppress, reference: softer.reference),
            ]
        }
        let linear = MatrixNMS.linear
        all.append(Method(name: "matrix-linear", fast: linear.suppress, reference: linear.reference))
        return all
    }()

    @Test(arguments: methods)
    func fastEqualsReference(method: Method) throws {
        for seed in 0..<8 as Range<UInt64> {
            for count in [0, 1, 2, 7, 60, 220] {
                // Odd seeds: integer coordinates; seeds 2 and 6: sides from 2 to 1500 px on the 640×480 canvas,
                // so the spatial indexes use several levels.
                let d = try RandomDetections.make(
                    seed: seed * 31 + UInt64(count), count: count, sizes: seed % 4 == 2 ? 2...1500 : 8...160,
                    integerCoordinates: seed % 2 == 1)
                for (convention, threshold) in [(BoxConvention.continuous, Float(0)), (.continuous, 0.2), (.pixelInclusive, 0.001)] {
                    let kept = d.scores.indices.filter { d.scores[$0] >= threshold }
                    let g = SuppressionGroup(
                        boxes: d.boxes.gathering(kept), scores: kept.map { d.scores[$0] },
                        deviations: d.deviations.map { s in kept.map { s[$0] } }, models: kept.map { d.models![$0] },
                        convention: convention, scoreThreshold: threshold)
                    let fast = try method.fast(g), slow = try method.reference(g)
                    let context = "seed \(seed), \(count) boxes, \(convention), threshold \(threshold)"
                    #expect(Self.firstDifference(fast, slow) == nil, "\(context)")
                }
            }
        }
    }

    /// Greedy NMS's grid path and its direct path agree on large inputs too.
    @Test(arguments: [Float(0), 0.3, 0.5, 0.7])
    func nmsGridEqualsDirectScan(threshold: Float) throws {
        for seed in 0..<4 as Range<UInt64> {
            let d = try RandomDetections.make(
                seed: seed, count: 3000, width: 2000, height: 1500, sizes: seed < 2 ? 8...160 : 4...2500)
            let g = RandomDetections.group(d)
            let nms = GreedyNMS.nms(iouThreshold: threshold)
            #expect(nms.keptPositions(g, useGrid: true) == nms.keptPositions(g, useGrid: false))
        }
    }

    /// The first survivor where the two runs differ in position or in any bit of score or box, described.
    static func firstDifference(_ a: [GroupSelection], _ b: [GroupSelection]) -> String? {
        func bits(_ s: GroupSelection) -> [UInt32] {
            [UInt32(s.position), s.score.bitPattern, s.box.x1.bitPattern, s.box.y1.bitPattern,
             s.box.x2.bitPattern, s.box.y2.bitPattern]
        }
        for k in 0..<max(a.count, b.count) {
            let x = k < a.count ? bits(a[k]) : [], y = k < b.count ? bits(b[k]) : []
            if x != y {
                return "survivor \(k) of \(a.count) vs \(b.count): "
                    + "fast \(k < a.count ? "\(a[k])" : "none"), reference \(k < b.count ? "\(b[k])" : "none")"
            }
        }
        return nil
    }
}
