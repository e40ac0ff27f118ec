import Boxes
import COCO
import Foundation
import Testing

/// DOTA label files against `Fixtures/dota.json` (made by `training/golden_dota.py`): every quadrilateral's rectangle
/// against Ultralytics' `xyxyxyxy2xywhr` (OpenCV's `minAreaRect` in `Float`), bad lines named, whole files parsed.
@Suite struct DOTALabelsTests {
    struct Quad: Decodable {
        var quad: [Double]
        var xywhr: [Double]
        var ambiguous: [String]
        var alternatives: [[Double]]?
        var exact: [Double]?
    }
    struct Invalid: Decodable { var line: String, reason: String }
    struct Lenient: Decodable { var line: String, reason: String, xywhr: [Double] }
    struct File: Decodable {
        struct Header: Decodable { var imagesource: String?, gsd: Double? }
        struct Record: Decodable { var line: Int, category: String, difficult: Int, quad: [Double], xywhr: [Double] }
        var name: String, text: String, header: Header, records: [Record]
    }
    struct Fixture: Decodable { var quads: [Quad], invalid: [Invalid], lenient: [Lenient], files: [File] }

    static func fixture() throws -> Fixture {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/dota", withExtension: "json"))
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }

    static func corners(_ q: [Double]) -> [SIMD2<Double>] { (0..<4).map { SIMD2(q[2 * $0], q[2 * $0 + 1]) } }
    static func box(_ v: [Double]) -> RotatedBox { RotatedBox(cx: Float(v[0]), cy: Float(v[1]), width: Float(v[2]), height: Float(v[3]), angle: Float(v[4])) }

    /// Whether `r` is Ultralytics' rectangle: the same numbers within what OpenCV's `Float` arithmetic leaves
    /// (1e-6 of the largest coordinate, 1e-5 rad), or, where the answer is ambiguous (a square: θ or θ + π/2; an
    /// angle on the range's edge: θ or θ + π; two edges giving equal areas: another rectangle), the same rectangle
    /// as one of the answers.
    static func matches(_ r: RotatedBox, _ expected: [Double], _ q: Quad) -> Bool {
        let scale = max(1, q.quad.map(abs).max() ?? 1)
        let close = zip([r.cx, r.cy, r.width, r.height].map(Double.init), expected.prefix(4)).allSatisfy { abs($0 - $1) <= 1e-6 * scale }
            && abs(Double(r.angle) - expected[4]) <= 1e-5
        if close || q.ambiguous.isEmpty { return close }
        return ([expected] + (q.alternatives ?? []) + (q.exact.map { [$0] } ?? [])).contains { RotatedOverlap.iou(r, box($0)) > 1 - 1e-5 }
    }

    @Test func rectanglesEqualUltralytics() throws {
        let f = try Self.fixture()
        #expect(f.quads.count > 300)
        for (k, q) in f.quads.enumerated() {
            let object = try DOTALabels.Object(corners: Self.corners(q.quad), category: "c", difficult: false)
            #expect(Self.matches(object.rbox, q.xywhr, q), "quad \(k) \(q.quad): \(object.rbox) vs \(q.xywhr) \(q.ambiguous)")
            #expect(object.rbox.width >= object.rbox.height && object.rbox.angle >= -.pi / 4 - 1e-6 && object.rbox.angle < 3 * .pi / 4)
        }
    }

    @Test func badLinesAreNamed() throws {
        let f = try Self.fixture()
        #expect(Set(f.invalid.map(\.reason)) == ["non-convex", "self-intersecting", "degenerate", "non-numeric", "too-few-fields", "non-finite"])
        let words = ["non-convex": "not convex", "self-intersecting": "crosses itself", "degenerate": "degenerate",
                     "non-numeric": "not a finite number", "non-finite": "not a finite number", "too-few-fields": "fields"]
        for bad in f.invalid {
            let text = "gsd:0.5\n10 20 30 20 30 40 10 40 plane 0\n" + bad.line + "\n"
            #expect {
                try DOTALabels(text: text, source: "P0001.txt")
            } throws: { e in
                guard let e = e as? DOTAError else { return false }
                return e.source == "P0001.txt" && e.line == 3
                    && (e.message.contains(words[bad.reason] ?? "?") || (bad.reason == "non-numeric" && e.message.contains("is not 0 or 1")))
            }
        }
    }

    /// Lines DOTA's devkit or Ultralytics accept: no difficult field, tabs, two spaces. Eleven fields are refused
    /// (an extra field would be lost).
    @Test func lenientLines() throws {
        for l in try Self.fixture().lenient {
            if l.reason == "extra-fields" {
                #expect(throws: DOTAError.self) { try DOTALabels(text: l.line, source: "x") }
                continue
            }
            let labels = try DOTALabels(text: l.line, source: "x")
            let q = Quad(quad: labels.objects[0].corners.flatMap { [$0.x, $0.y] }, xywhr: l.xywhr, ambiguous: ["square"])
            #expect(labels.objects.count == 1 && Self.matches(labels.objects[0].rbox, l.xywhr, q), "\(l.reason)")
        }
    }

    @Test func wholeFilesAndTheirText() throws {
        for file in try Self.fixture().files {
            let labels = try DOTALabels(text: file.text, source: file.name)
            #expect(labels.imageSource == file.header.imagesource && labels.gsd.flatMap(Double.init) == file.header.gsd, "\(file.name)")
            // The fixture counts lines from 0.
            #expect(labels.objects.map(\.line) == file.records.map { $0.line + 1 } && labels.objects.map(\.category) == file.records.map(\.category))
            #expect(labels.objects.map(\.difficult) == file.records.map { $0.difficult == 1 })
            for (o, r) in zip(labels.objects, file.records) {
                #expect(o.corners == Self.corners(r.quad), "\(file.name) line \(r.line)")
            }
            // Written and read again: the same objects.
            let again = try DOTALabels(text: labels.text, source: "again")
            #expect(again.objects.map(\.corners) == labels.objects.map(\.corners) && again.gsd == labels.gsd)
        }
    }
}
