import DetectKit
import Foundation
import Testing

/// A tiled `Pipeline` equals SAHI's `get_sliced_prediction` end to end (`Fixtures/sahi/sliced-prediction.json`,
/// written by `training/golden_sahi.py` with SAHI itself): the same regions in the same order, each region's raw
/// predictions suppressed alone (greedy NMS, IoU 0.5, per category, inside SAHI's model as a detector's own
/// post-processing), shifted into the image and merged by greedy-nmm, nmm or nms on IoS or IoU, per category or
/// class-agnostic, with and without the whole-image pass. The model is a closure that reads which region it sees
/// from the pixels of a position-coded image and returns that region's recorded predictions.
@Suite struct SAHISlicedPredictionTests {
    struct File: Decodable {
        var peer: String
        var cases: [Case]
    }

    struct Case: Decodable {
        struct Merge: Decodable {
            var method: String
            var overlap: String
            var threshold: Float
            var class_agnostic: Bool
        }

        struct RegionSuppression: Decodable {
            var method: String
            var iou: Float
            var class_agnostic: Bool
        }

        struct Region: Decodable {
            var tile: [Int]
            var boxes: [[Float]]
            var scores: [Float]
            var categories: [Int]
            var kept: [Int]
        }

        struct Expected: Decodable {
            var boxes: [[Float]]
            var scores: [Float]
            var categories: [Int]
        }

        var name: String
        var image: [Int]
        var slice: [Int]
        var overlap: [Double]
        var full_image: Bool
        var merge: Merge
        var region_suppression: RegionSuppression
        var regions: [Region]
        var expected: Expected
    }

    static func load() throws -> File {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/sahi/sliced-prediction", withExtension: "json"))
        return try JSONDecoder().decode(File.self, from: Data(contentsOf: url))
    }

    static func detections(_ r: Case.Region) throws -> Detections {
        try Detections(
            boxes: BoxArray(r.boxes.map { Box(x1: $0[0], y1: $0[1], x2: $0[2], y2: $0[3]) }), scores: r.scores, categories: r.categories)
    }

    @Test func tiledPipelineEqualsSAHIsSlicedPrediction() throws {
        let file = try Self.load()
        #expect(file.peer.hasPrefix("sahi ") && file.cases.count >= 12)
        for c in file.cases {
            #expect(c.region_suppression.method == "nms")
            let regions = c.regions
            let model: @Sendable (Image) throws -> Detections = { pixels in
                let (x, y) = TilingTests.origin(of: pixels)
                let region = try #require(regions.first { $0.tile == [x, y, pixels.width, pixels.height] })
                return try Self.detections(region)
            }
            let tiling = Tiling(
                slicer: try Slicer(
                    tileWidth: c.slice[0], tileHeight: c.slice[1], overlapWidthRatio: c.overlap[0], overlapHeightRatio: c.overlap[1]),
                fullImage: c.full_image,
                merger: try SuppressionMethod(parsing: "\(c.merge.method):overlap=\(c.merge.overlap),threshold=\(c.merge.threshold)")
                    .makeSuppressor(),
                mergeOptions: SuppressionOptions(classAgnostic: c.merge.class_agnostic))
            let regionSuppression = GreedyNMS.nms(iouThreshold: c.region_suppression.iou)
            let regionOptions = SuppressionOptions(classAgnostic: c.region_suppression.class_agnostic)
            let pipeline = Pipeline(source: .model(model), suppressor: regionSuppression, options: regionOptions, tiling: tiling)
            let result = try pipeline.run(TilingTests.positionImage(width: c.image[0], height: c.image[1]), threads: 2)

            // The same regions, in SAHI's order, and the same survivors of each region's own suppression.
            #expect(result.regions.map { [$0.x, $0.y, $0.width, $0.height] } == regions.map(\.tile), "\(c.name)")
            for r in regions {
                let kept = try regionSuppression.apply(to: Self.detections(r), options: regionOptions)
                #expect(kept.map(\.index) == r.kept, "\(c.name) \(r.tile)")
            }
            // The same merged boxes, scores and categories, bit for bit (SAHI lists a per-category merge category by
            // category; DetectKit by score, so both are compared sorted). A merge by `nms` may keep another of boxes
            // with equal scores: SAHI's NMSPostprocess breaks score ties by coordinates, DetectKit's nms (equal to
            // torchvision) by input order, and a different pick among ties can change what it suppresses next. There
            // the same number of boxes is kept and at least 90 % of them are identical (measured: the 3 nms cases of 13 differ
            // by 6 of 93, 1 of 15 and 1 of 18 boxes).
            func row(_ score: Float, _ box: [Float], _ category: Int) -> [UInt32] {
                ([-score] + box + [Float(category)]).map(\.bitPattern)
            }
            let ours = (0..<result.kept.count).map { i in
                let b = result.kept.boxes[i]
                return row(result.kept.scores[i], [b.x1, b.y1, b.x2, b.y2], result.kept.categories[i])
            }
            let e = c.expected
            let theirs = e.scores.indices.map { row(e.scores[$0], e.boxes[$0], e.categories[$0]) }
            let sorted: ([[UInt32]]) -> [[UInt32]] = { $0.sorted { $0.lexicographicallyPrecedes($1) } }
            if c.merge.method == "nms" {
                var onlyOurs = sorted(ours), onlyTheirs = sorted(theirs)
                for r in Set(onlyOurs).intersection(onlyTheirs) {
                    let n = min(onlyOurs.count { $0 == r }, onlyTheirs.count { $0 == r })
                    for _ in 0..<n {
                        onlyOurs.remove(at: try #require(onlyOurs.firstIndex(of: r)))
                        onlyTheirs.remove(at: try #require(onlyTheirs.firstIndex(of: r)))
                    }
                }
                #expect(ours.count == theirs.count, "\(c.name)")
                #expect(onlyOurs.count * 10 <= ours.count, "\(c.name): \(onlyOurs.count) of \(ours.count) boxes differ")
            } else {
                #expect(sorted(ours) == sorted(theirs), "\(c.name)")
            }
        }
    }
}
