import Boxes
import Foundation
import Testing

/// IoS and IoU against the matrices SAHI matches predictions with (its numpy backend's
/// `_compute_metric_matrix_full`, float32), fixed into `Fixtures/sahi-overlaps.json` by `training/golden_sahi.py`:
/// the boxes of `overlaps.json` plus zero-width, zero-height, identical, nested and touching ones.
@Suite struct SAHIOverlapTests {
    struct File: Decodable {
        var peer: String
        var a: [[Float]]
        var b: [[Float]]
        var ios: [[Float]]
        var iou: [[Float]]
    }

    @Test(arguments: [OverlapKind.ios, .iou])
    func equalsSAHIBitForBit(kind: OverlapKind) throws {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/sahi-overlaps", withExtension: "json"))
        let f = try JSONDecoder().decode(File.self, from: Data(contentsOf: url))
        func boxes(_ rows: [[Float]]) -> BoxArray { BoxArray(rows.map { Box(x1: $0[0], y1: $0[1], x2: $0[2], y2: $0[3]) }) }
        let expected = kind == .ios ? f.ios : f.iou
        let m = OverlapKernels.pairwise(kind, boxes(f.a), boxes(f.b))
        for i in 0..<f.a.count {
            for j in 0..<f.b.count {
                #expect(m[i, j].bitPattern == expected[i][j].bitPattern, "\(kind) (\(i), \(j)) vs \(f.peer)")
                #expect(kind.value(boxes(f.a)[i], boxes(f.b)[j]).bitPattern == expected[i][j].bitPattern)
            }
        }
    }

    @Test func iosCountsABoxInsideAnotherAsAFullMatch() {
        let whole = Box(x1: 0, y1: 0, x2: 100, y2: 40), cut = Box(x1: 60, y1: 0, x2: 100, y2: 40)
        #expect(OverlapKind.ios.value(whole, cut) == 1)
        #expect(OverlapKind.iou.value(whole, cut) == 0.4)
        #expect(OverlapKind.ios.value(whole, Box(x1: 10, y1: 10, x2: 10, y2: 30)) == 0)  // no area: no overlap
    }
}
