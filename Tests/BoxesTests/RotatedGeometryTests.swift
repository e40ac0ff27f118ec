@testable import Boxes
import DetectKitTestSupport
import Foundation
import Testing

/// Oriented boxes against their references, fixed into `Fixtures/rotated.json` by `training/golden_rotated.py`:
/// exact IoU against shapely's polygon intersection over union, ProbIoU against Ultralytics' `batch_probiou`,
/// corners against `xywhr2xyxyxyxy` and the regularised form against `regularize_rboxes`, on random pairs and on
/// identical, nested, touching and zero-size boxes at angles 0, ±π/2, π and 0.3; exact IoU also on a thousand edge
/// cases (shared edges, tiny turns and shifts).
@Suite struct RotatedGeometryTests {
    struct Case: Decodable {
        var a: [Float]
        var b: [Float]
        var iou: Double
        var probiou: Double
        var corners: [[Float]]
        var regularized: [Float]
    }

    /// A pair with shapely's IoU alone.
    struct EdgeCase: Decodable {
        var a: [Float]
        var b: [Float]
        var iou: Double
    }

    struct File: Decodable {
        var cases: [Case]
        var edge_cases: [EdgeCase]
    }

    static func file() throws -> File {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/rotated", withExtension: "json"))
        return try JSONDecoder().decode(File.self, from: Data(contentsOf: url))
    }

    static func cases() throws -> [Case] { try file().cases }

    static func box(_ v: [Float]) -> RotatedBox { RotatedBox(cx: v[0], cy: v[1], width: v[2], height: v[3], angle: v[4]) }

    @Test func exactIoUEqualsShapely() throws {
        let cases = try Self.cases()
        #expect(cases.count > 300)
        for (k, c) in cases.enumerated() {
            let ours = RotatedOverlap.iou(Self.box(c.a), Self.box(c.b))
            // 1e-6 relative, or 1e-9 absolute near 0 (touching boxes: shapely's intersection is a line or a sliver).
            #expect(abs(ours - c.iou) <= max(1e-6 * abs(c.iou), 1e-9), "case \(k): \(c.a) \(c.b): \(ours) vs \(c.iou)")
            #expect(abs(RotatedOverlap.iou(Self.box(c.b), Self.box(c.a)) - ours) <= 1e-12, "case \(k) is not symmetric")
        }
    }

    /// Shared and touching edges, nested boxes sharing three edges, turns of 1e-7 and shifts of a millionth, corners
    /// on corners: where an intersection built from side tests could count a stretch of boundary twice or not at all.
    @Test func exactIoUEqualsShapelyOnEdgeCases() throws {
        let cases = try Self.file().edge_cases
        #expect(cases.count > 1000)
        for (k, c) in cases.enumerated() {
            let a = Self.box(c.a), b = Self.box(c.b)
            for ours in [RotatedOverlap.iou(a, b), RotatedOverlap.iou(b, a)] {
                #expect(abs(ours - c.iou) <= max(1e-6 * abs(c.iou), 1e-9), "edge case \(k): \(c.a) \(c.b): \(ours) vs \(c.iou)")
            }
        }
    }

    @Test func probIoUEqualsUltralytics() throws {
        for (k, c) in try Self.cases().enumerated() {
            let ours = RotatedOverlap.probIoU(Self.box(c.a), Self.box(c.b))
            #expect(abs(ours - c.probiou) <= 1e-9 + 1e-9 * abs(c.probiou), "case \(k): \(ours) vs \(c.probiou)")
        }
    }

    @Test func cornersAndRegularisationEqualUltralytics() throws {
        for (k, c) in try Self.cases().enumerated() {
            let box = Self.box(c.a)
            for (ours, theirs) in zip(box.corners, c.corners) {
                #expect(abs(ours.x - theirs[0]) <= 1e-4 && abs(ours.y - theirs[1]) <= 1e-4, "case \(k) corners")
            }
            let r = box.regularized, expected = c.regularized
            #expect(r.angle >= 0 && r.angle < .pi / 2, "case \(k) angle \(r.angle)")
            let boundary = min(expected[4], Float.pi / 2 - expected[4]) < 1e-5
            if boundary {
                // An angle on a multiple of π/2 in Float: torch's float32 remainder and ours may land on either side;
                // both are the same rectangle.
                let theirs = Self.box(expected)
                #expect(Set([r.width, r.height]) == Set([theirs.width, theirs.height]), "case \(k) sides \(r) vs \(expected)")
                if r.area > 0 { #expect(RotatedOverlap.iou(r, theirs) > 1 - 1e-6, "case \(k): \(r) vs \(expected)") }
            } else {
                #expect([r.cx, r.cy, r.width, r.height].elementsEqual(expected.prefix(4)), "case \(k) sides \(r) vs \(expected)")
                #expect(abs(r.angle - expected[4]) <= 1e-5, "case \(k) angle \(r.angle) vs \(expected[4])")
            }
        }
    }

    /// The SIMD kernels equal the scalar references bit for bit: the rectangle intersection (edges in lanes) on
    /// every pair drawn from the fixture's boxes, clusters of jittered boxes at any angle (duplicates, zero-size boxes,
    /// the same rectangle written three ways) and slivers a billionth of a pixel wide, with and without the circle test
    /// that settles far pairs; one against many (``RotatedOverlap/ious(_:_:)``, the boxes prepared four at a time,
    /// and ``RotatedOverlap/probIoUs(_:_:)``, four pairs at a time, every remainder of four) against one at a time.
    @Test(arguments: 0..<12)
    func lanesEqualTheScalarReferences(seed: UInt64) throws {
        let file = try Self.file()
        var boxes = file.cases.flatMap { [Self.box($0.a), Self.box($0.b)] } + file.edge_cases.flatMap { [Self.box($0.a), Self.box($0.b)] }
        boxes += try RandomDetections.oriented(seed: seed, count: 150, sizes: seed % 2 == 0 ? 0.5...200 : 1e-9...3).rotated ?? []
        let quads = boxes.map(OrientedQuad.init)
        for (k, a) in boxes.enumerated() where k % 24 == Int(seed) || k % 24 == Int(seed) + 12 {
            let others = Array(boxes.prefix(boxes.count - k % 4))
            let probIoUs = RotatedOverlap.probIoUs(a, others), ious = RotatedOverlap.ious(a, others)
            #expect(probIoUs.count == others.count && ious.count == others.count)
            for (j, b) in others.enumerated() {
                let lanes = RectangleIntersectionLanes.area(quads[k], quads[j])
                let scalar = RectangleIntersection.area(quads[k], quads[j])
                #expect(lanes.bitPattern == scalar.bitPattern, "\(a) \(b): \(lanes) vs \(scalar)")
                // The circle test that settles far pairs changes no value.
                #expect(RotatedOverlap.intersection(quads[k], quads[j]).bitPattern == scalar.bitPattern, "\(a) \(b) apart")
                #expect(probIoUs[j].bitPattern == RotatedOverlap.probIoU(a, b).bitPattern, "probiou \(a) \(b)")
                #expect(ious[j].bitPattern == RotatedOverlap.iou(a, b).bitPattern, "iou \(a) \(b)")
            }
        }
    }

    /// Ultralytics' `batch_probiou` as written, in Double, with none of the shortcuts.
    static func plainProbIoU(_ one: RotatedBox, _ two: RotatedBox) -> Double {
        func gaussian(_ r: RotatedBox) -> (Double, Double, Double) {
            let a = Double(r.width) * Double(r.width) / 12, b = Double(r.height) * Double(r.height) / 12
            let c = cos(Double(r.angle)), s = sin(Double(r.angle))
            return (a * c * c + b * s * s, a * s * s + b * c * c, (a - b) * c * s)
        }
        let eps = 1e-7, (a1, b1, c1) = gaussian(one), (a2, b2, c2) = gaussian(two)
        let x1 = Double(one.cx), y1 = Double(one.cy), x2 = Double(two.cx), y2 = Double(two.cy)
        let d = (a1 + a2) * (b1 + b2) - (c1 + c2) * (c1 + c2)
        let t1 = ((a1 + a2) * (y1 - y2) * (y1 - y2) + (b1 + b2) * (x1 - x2) * (x1 - x2)) / (d + eps) * 0.25
        let t2 = ((c1 + c2) * (x2 - x1) * (y1 - y2)) / (d + eps) * 0.5
        let t3 = log(d / (4 * (max(0, a1 * b1 - c1 * c1) * max(0, a2 * b2 - c2 * c2)).squareRoot() + eps) + eps) * 0.5
        let bd = min(100, max(eps, t1 + t2 + t3))
        return 1 - (1 - exp(-bd) + eps).squareRoot()
    }

    /// The angle-free far test (`GaussianReach`) only ever settles pairs whose formula is at the clamp: pairs of
    /// every shape (squares, needles, specks of 10⁻³ px) at distances across the test's boundary, against
    /// `batch_probiou` as written.
    @Test func farTestSettlesOnlyClampedPairs() {
        var g = SystemRandomNumberGenerator()
        var settled = 0
        for _ in 0..<60_000 {
            func box(at x: Double) -> RotatedBox {
                let scale = [1e-3, 1, 30, 300].randomElement(using: &g)!, aspect = [1, 0.5, 0.05, 1e-3].randomElement(using: &g)!
                return RotatedBox(
                    cx: Float(x), cy: Float.random(in: -5...5, using: &g), width: Float(scale),
                    height: Float(scale * aspect), angle: Float.random(in: -4...4, using: &g))
            }
            let a = box(at: 0), reachA = GaussianReach(a)
            // A distance around where the test turns: √(440 (λ₁ + λ₂)) for boxes of the same size.
            let spread = (440 * 2 * Double(reachA.largest)).squareRoot()
            let b = box(at: spread * Double.random(in: 0.3...4, using: &g))
            if GaussianReach.farApart(reachA, GaussianReach(b)) {
                settled += 1
                let plain = Self.plainProbIoU(a, b)
                #expect(plain.bitPattern == GaussianBox.farValue.bitPattern, "\(a) \(b): \(plain)")
                #expect(RotatedOverlap.probIoU(a, b).bitPattern == plain.bitPattern)
            }
        }
        #expect(settled > 10_000, "\(settled) settled")
    }

    /// A box with itself has IoU 1 exactly, however it is written; a box inside another has their area ratio.
    @Test func identicalAndNestedBoxes() {
        for angle: Float in [0, 0.3, -.pi / 2, .pi / 2, .pi, 2.5] {
            let a = RotatedBox(cx: 1234.5, cy: -77.25, width: 31.5, height: 0.75, angle: angle)
            #expect(RotatedOverlap.iou(a, a) == 1 && RotatedOverlap.ios(a, a) == 1, "\(a)")
            let inner = RotatedBox(cx: a.cx, cy: a.cy, width: a.width / 2, height: a.height / 2, angle: angle)
            #expect(abs(RotatedOverlap.iou(a, inner) - 0.25) < 1e-12 && abs(RotatedOverlap.iou(inner, a) - 0.25) < 1e-12)
            let turned = RotatedBox(cx: a.cx, cy: a.cy, width: a.height, height: a.width, angle: angle + .pi / 2)
            #expect(RotatedOverlap.iou(a, turned) > 1 - 1e-5, "\(a) written turned (the angle rounded to Float)")
        }
    }

    @Test func openCVDegreesAndTheEnclosingBox() {
        let r = RotatedBox(openCVCenter: (10, 20), size: (4, 2), degrees: 90)
        #expect(abs(r.angle - .pi / 2) < 1e-7 && abs(r.degrees - 90) < 1e-4)
        let e = r.enclosingBox
        #expect(abs(e.x1 - 9) < 1e-5 && abs(e.x2 - 11) < 1e-5 && abs(e.y1 - 18) < 1e-5 && abs(e.y2 - 22) < 1e-5, "\(e)")
    }
}
