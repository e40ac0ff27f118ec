import Boxes
import Foundation
import Testing

/// IoU, GIoU, DIoU and CIoU matrices against `torchvision.ops.{box_iou, generalized_box_iou, distance_box_iou,
/// complete_box_iou}`, fixed into `Fixtures/overlaps.json` by `training/golden_suppression.py`.
@Suite struct TorchvisionOverlapTests {
    struct File: Decodable {
        var a: [[Float]]
        var b: [[Float]]
        var iou: [[Float]]
        var giou: [[Float]]
        var diou: [[Float]]
        var ciou: [[Float]]
    }

    @Test(arguments: [OverlapKind.iou, .giou, .diou, .ciou])  // IoS: SAHIOverlapTests
    func matchesTorchvision(kind: OverlapKind) throws {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/overlaps", withExtension: "json"))
        let f = try JSONDecoder().decode(File.self, from: Data(contentsOf: url))
        func boxes(_ rows: [[Float]]) -> BoxArray { BoxArray(rows.map { Box(x1: $0[0], y1: $0[1], x2: $0[2], y2: $0[3]) }) }
        let expected = try #require(["iou": f.iou, "giou": f.giou, "diou": f.diou, "ciou": f.ciou][kind.rawValue])
        let m = OverlapKernels.pairwise(kind, boxes(f.a), boxes(f.b))
        var worst: Float = 0
        for i in 0..<f.a.count {
            for j in 0..<f.b.count { worst = max(worst, abs(m[i, j] - expected[i][j])) }
        }
        // IoU, GIoU and DIoU do torchvision's float32 operations in its order; CIoU's atan may differ by an ulp.
        #expect(worst <= (kind == .ciou ? 1e-6 : 0), "\(kind): largest difference \(worst)")
    }
}
