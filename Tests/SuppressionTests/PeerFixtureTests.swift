import Boxes
import Foundation
import Suppression
import Testing

/// Every method against numbers produced by its peer, fixed into `Fixtures/`: torchvision, OpenCV and
/// ensemble-boxes, the authors' own code for Matrix NMS (SOLOv2) and Softer-NMS (KL-Loss), and for `softer`,
/// `weighted`, `diou`, `ciou` and `cluster` also a transcription of their rules (`training/golden_suppression.py`).
@Suite struct PeerFixtureTests {
    struct File: Decodable {
        var peer: String
        var cases: [Case]
    }

    struct Case: Decodable {
        var name: String
        var method: String
        var params: [String: Float]
        var score_threshold: Float
        var class_agnostic: Bool
        var boxes: [[Float]]
        var scores: [Float]
        var categories: [Int]
        var std: [[Float]]?
        var models: [Int]?
        /// Boxes measured with the `+1` convention (the KL-Loss code's).
        var pixel_inclusive: Bool?
        var expected: Expected
    }

    struct Expected: Decodable {
        var indices: [Int]?
        var scores: [Float]
        var boxes: [[Float]]
        var categories: [Int]?
    }

    static func load(_ method: String) throws -> File {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/\(method)", withExtension: "json"))
        return try JSONDecoder().decode(File.self, from: Data(contentsOf: url))
    }

    @Test(arguments: SuppressionMethod.names)
    func matchesPeer(method: String) throws {
        try check(Self.load(method))
    }

    /// Matrix NMS against SOLOv2's own `matrix_nms` (WXinlong/SOLO), run on the boxes drawn as masks
    /// (`training/golden_matrix_solo.py`).
    @Test func matrixNMSEqualsSOLOsOwnCode() throws {
        let file = try Self.load("matrix-solo")
        #expect(Set(file.cases.map(\.method)) == ["matrix-gaussian", "matrix-linear"])
        try check(file)
    }

    /// Softer-NMS against the KL-Loss authors' own variance voting (`detectron/utils/py_cpu_nms.py`, run by
    /// `training/golden_softer_klloss.py`), with its +1 convention and its parameters.
    @Test func softerEqualsTheKLLossCode() throws {
        let file = try Self.load("softer-klloss")
        #expect(file.cases.allSatisfy { $0.method == "softer" && $0.pixel_inclusive == true })
        try check(file)
    }

    /// `nms` keeps the same records as torchvision's `batched_nms` in the same order: by score, descending (ties
    /// in input order on both sides).
    @Test func nmsKeepsTorchvisionsOrder() throws {
        for c in try Self.load("nms").cases {
            let d = try Detections(
                boxes: BoxArray(c.boxes.map { Box(x1: $0[0], y1: $0[1], x2: $0[2], y2: $0[3]) }), scores: c.scores,
                categories: c.categories)
            let kept = try GreedyNMS.nms(iouThreshold: c.params["iou"] ?? 0.5).apply(
                to: d, options: SuppressionOptions(classAgnostic: c.class_agnostic, scoreThreshold: c.score_threshold))
            #expect(kept.map(\.index) == c.expected.indices, "\(c.name)")
        }
    }

    /// Every case of `file` run through DetectKit and compared with the peer's survivors.
    func check(_ file: File) throws {
        #expect(file.cases.count >= 12)
        for c in file.cases {
            var parameters: [SuppressionMethod.Parameter: Float] = [:]
            for (k, v) in c.params { parameters[try #require(SuppressionMethod.Parameter(rawValue: k))] = v }
            let suppressor = try SuppressionMethod(c.method, parameters: parameters).makeSuppressor()
            let d = try Detections(
                boxes: BoxArray(c.boxes.map { Box(x1: $0[0], y1: $0[1], x2: $0[2], y2: $0[3]) }), scores: c.scores,
                categories: c.categories, deviations: c.std.map { $0.map { SIMD4($0[0], $0[1], $0[2], $0[3]) } },
                models: c.models)
            let kept = try suppressor.apply(
                to: d, options: SuppressionOptions(
                    classAgnostic: c.class_agnostic, scoreThreshold: c.score_threshold,
                    convention: c.pixel_inclusive == true ? .pixelInclusive : .continuous))
            try compare(kept, d, c)
        }
    }

    /// Same survivors; scores to 1e-5 relative (OpenCV computes IoU in double); boxes to 1e-4 of their scale.
    func compare(_ kept: [KeptDetection], _ d: Detections, _ c: Case) throws {
        let e = c.expected
        #expect(kept.count == e.scores.count, "\(c.name): \(kept.count) survivors, peer \(e.scores.count)")
        guard kept.count == e.scores.count else { return }
        // Pair survivors: by record index where the peer names it, else (fused boxes) by score order.
        let order: [Int]
        if let indices = e.indices {
            let position = Dictionary(uniqueKeysWithValues: indices.enumerated().map { ($1, $0) })
            order = try kept.map { k in try #require(position[k.index], "\(c.name): record \(k.index) not kept by the peer") }
        } else {
            order = e.scores.indices.sorted { e.scores[$0] > e.scores[$1] }
        }
        for (k, p) in zip(kept, order) {
            #expect(abs(k.score - e.scores[p]) <= 1e-5 * max(1, abs(e.scores[p])), "\(c.name): score \(k.score) vs \(e.scores[p])")
            let b = e.boxes[p]
            let scale = max(1e-3, abs(b[2] - b[0]) + abs(b[3] - b[1]))
            let diff = max(abs(k.box.x1 - b[0]), abs(k.box.y1 - b[1]), abs(k.box.x2 - b[2]), abs(k.box.y2 - b[3]))
            #expect(diff <= 1e-4 * scale, "\(c.name): box \(k.box) vs \(b)")
            if let cats = e.categories { #expect(d.categories[k.index] == cats[p], "\(c.name)") }
        }
    }
}
