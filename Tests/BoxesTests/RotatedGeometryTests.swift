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
    /// that settles far pairs; ProbIoU four pairs at a time
    /// (``RotatedOverlap/probIoUs(_:_:)``, every remainder of four) against one at a time.
    @Test(arguments: 0..<12)
    func lanesEqualTheScalarReferences(seed: UInt64) throws {
        let file = try Self.file()
        var boxes = file.cases.flatMap { [Self.box($0.a), Self.box($0.b)] } + file.edge_cases.flatMap { [Self.box($0.a), Self.box($0.b)] }
        boxes += try RandomDetections.oriented(seed: seed, count: 150, sizes: seed % 2 == 0 ? 0.5...200 : 1e-9...3).rotated ?? []
        let quads = boxes.map(OrientedQuad.init)
        for (k, a) in boxes.enumerated() where k % 24 == Int(seed) || k % 24 == Int(seed) + 12 {
            let others = Array(boxes.prefix(boxes.count - k % 4))
            let probIoUs = RotatedOverlap.probIoUs(a, others)
            #expect(probIoUs.count == others.count)
            for (j, b) in others.enumerated() {
                let lanes = RectangleIntersectionLanes.area(quads[k], quads[j])
                let scalar = RectangleIntersection.area(quads[k], quads[j])
                #expect(lanes.bitPattern == scalar.bitPattern, "\(a) \(b): \(lanes) vs \(scalar)")
                // The circle test that settles far pairs changes no value.
                #expect(RotatedOverlap.intersection(quads[k], quads[j]).bitPattern == scalar.bitPattern, "\(a) \(b) apart")
                #expect(probIoUs[j].bitPattern == RotatedOverlap.probIoU(a, b).bitPattern, "probiou \(a) \(b)")
            }
        }
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
