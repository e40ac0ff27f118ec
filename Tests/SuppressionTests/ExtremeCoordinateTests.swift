import Boxes
import DetectKitTestSupport
import DetectKitUtilities
import Suppression
import Testing

/// Finite boxes at the limits of `Float` (coordinates near ±3.4e38, areas that overflow to infinity, subnormal
/// sizes) among ordinary ones: every method's spatial indexes (`SpatialGrid`, `CellIndex`, `GridLevels`) and
/// kernels take them without trapping or hanging, keep every output finite, and the fast paths still equal their
/// references.
@Suite struct ExtremeCoordinateTests {
    static func detections(seed: UInt64) throws -> Detections {
        var rng = SplitMix64(seed: seed)
        let max = Float.greatestFiniteMagnitude
        let extremes = [
            Box(x1: -1e38, y1: -1e38, x2: 2e38, y2: 2e38), Box(x1: -max, y1: -max, x2: max, y2: max),
            Box(x1: 1e38, y1: 1e38, x2: 2e38, y2: 2e38), Box(x1: 3e38, y1: -3e38, x2: 3.4e38, y2: -2e38),
            Box(x1: 0, y1: 0, x2: 1e-45, y2: 1e-45), Box(x1: 5, y1: 5, x2: 5, y2: 5), Box(x1: 1e19, y1: 1e19, x2: 3e19, y2: 3e19),
        ]
        var boxes = BoxArray(), scores: [Float] = [], categories: [Int] = []
        for i in 0..<300 {
            if i % 3 == 0 {
                boxes.append(extremes[(i / 3) % extremes.count])
            } else {
                let x = Float.random(in: 0..<400, using: &rng), y = Float.random(in: 0..<300, using: &rng)
                boxes.append(Box(x1: x, y1: y, x2: x + Float.random(in: 1..<80, using: &rng), y2: y + Float.random(in: 1..<80, using: &rng)))
            }
            scores.append(Float.random(in: 0.01..<1, using: &rng))
            categories.append(i % 2)
        }
        return try Detections(
            boxes: boxes, scores: scores, categories: categories,
            deviations: (0..<300).map { SIMD4(repeating: $0 % 5 == 0 ? 1e38 : 1) })
    }

    @Test(arguments: SuppressionMethod.names)
    func everyMethodTakesBoxesAtTheFloatLimits(name: String) throws {
        let suppressor = try SuppressionMethod(name).makeSuppressor()
        for seed: UInt64 in [1, 2] {
            let d = try Self.detections(seed: seed)
            for convention in [BoxConvention.continuous, .pixelInclusive] {
                for agnostic in [false, true] {
                    let kept = try suppressor.apply(to: d, options: SuppressionOptions(classAgnostic: agnostic, convention: convention))
                    #expect(!kept.isEmpty)
                    #expect(kept.allSatisfy { $0.score.isFinite && $0.box.isFinite }, "\(name) \(convention) agnostic \(agnostic)")
                }
            }
        }
    }

    /// Scores of 0 and negative scores (a record may hold any finite score): a fused box's weights then sum to
    /// zero or less, and `weighted` and `wbf` once divided by that sum and wrote a box of NaN (as `null`, so the
    /// output did not read back; found by FuzzCOCOResults). Every method keeps every output finite, and the
    /// fast paths equal their references.
    @Test(arguments: SuppressionMethod.names)
    func scoresOfZeroOrBelowKeepBoxesFinite(name: String) throws {
        let suppressor = try SuppressionMethod(name).makeSuppressor()
        let boxes = BoxArray([
            Box(x1: 0, y1: 0, x2: 10, y2: 10), Box(x1: 1, y1: 0, x2: 11, y2: 10), Box(x1: 50, y1: 50, x2: 60, y2: 60),
            Box(x1: 50, y1: 51, x2: 60, y2: 61), Box(x1: 100, y1: 100, x2: 3e38, y2: 3e38), Box(x1: 100, y1: 100, x2: 3.4e38, y2: 3.4e38),
        ])
        for scores: [Float] in [[0, 0, 0, 0, 0, 0], [0.5, -0.5, 0, -1, 1, -1], [-0.1, -0.2, -0.3, -0.4, -0.5, -0.6]] {
            let d = try Detections(boxes: boxes, scores: scores, deviations: Array(repeating: SIMD4(repeating: 1), count: 6))
            let kept = try suppressor.apply(to: d, options: SuppressionOptions(scoreThreshold: -10))
            #expect(!kept.isEmpty)
            #expect(kept.allSatisfy { $0.score.isFinite && $0.box.isFinite }, "\(name) \(scores): \(kept)")
        }
    }

    @Test(arguments: FastPathTests.methods)
    func fastPathsStillEqualTheirReferences(method: FastPathTests.Method) throws {
        let d = try Self.detections(seed: 3)
        for convention in [BoxConvention.continuous, .pixelInclusive] {
            let g = SuppressionGroup(boxes: d.boxes, scores: d.scores, deviations: d.deviations, convention: convention)
            #expect(FastPathTests.firstDifference(try method.fast(g), try method.reference(g)) == nil, "\(convention)")
        }
    }
}
