import Boxes
import DetectKitTestSupport
import Foundation
import Testing

/// Oriented boxes against their references, fixed into `Fixtures/rotated.json` by `training/golden_rotated.py`:
/// exact IoU against shapely's polygon intersection over union, ProbIoU against Ultralytics' `batch_probiou`,
/// corners against `xywhr2xyxyxyxy` and the regularised form against `regularize_rboxes`, on random pairs and on
/// identical, nested, touching and zero-size boxes at angles 0, ±π/2, π and 0.3.
@Suite struct RotatedGeometryTests {
    struct Case: Decodable {
        var a: [Float]
        var b: [Float]
        var iou: Double
        var probiou: Double
        var corners: [[Float]]
        var regularized: [Float]
    }

    static func cases() throws -> [Case] {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/rotated", withExtension: "json"))
        struct File: Decodable { var cases: [Case] }
        return try JSONDecoder().decode(File.self, from: Data(contentsOf: url)).cases
    }

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

    /// The fixed-buffer kernels equal the plain array-based transcription bit for bit: on the fixture's pairs, on
    /// clusters of jittered boxes at any angle (duplicates, zero-size boxes, the same rectangle written three ways),
    /// and on slivers a billionth of a pixel wide; one-against-many equals one at a time.
    @Test(arguments: 0..<12)
    func kernelsEqualTheReference(seed: UInt64) throws {
        var boxes = try Self.cases().flatMap { [Self.box($0.a), Self.box($0.b)] }
        boxes += try RandomDetections.oriented(seed: seed, count: 150, sizes: seed % 2 == 0 ? 0.5...200 : 1e-9...3).rotated ?? []
        for (k, a) in boxes.enumerated() where k % 7 == Int(seed % 7) {
            let many = RotatedOverlap.ious(a, boxes)
            for (j, b) in boxes.enumerated() {
                let iou = RotatedOverlap.iou(a, b)
                #expect(iou.bitPattern == RotatedOverlapReference.iou(a, b).bitPattern, "iou \(a) \(b)")
                #expect(iou.bitPattern == many[j].bitPattern, "ious \(a) \(b)")
                #expect(RotatedOverlap.ios(a, b).bitPattern == RotatedOverlapReference.ios(a, b).bitPattern, "ios \(a) \(b)")
            }
        }
    }

    @Test func openCVDegreesAndTheEnclosingBox() {
        let r = RotatedBox(openCVCenter: (10, 20), size: (4, 2), degrees: 90)
        #expect(abs(r.angle - .pi / 2) < 1e-7 && abs(r.degrees - 90) < 1e-4)
        let e = r.enclosingBox
        #expect(abs(e.x1 - 9) < 1e-5 && abs(e.x2 - 11) < 1e-5 && abs(e.y1 - 18) < 1e-5 && abs(e.y2 - 22) < 1e-5, "\(e)")
    }
}
