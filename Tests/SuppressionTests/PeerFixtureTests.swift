import Boxes
import Foundation
import Suppression
import Testing

/// Every method against numbers produced by its peer, fixed into `Fixtures/`: torchvision, OpenCV and
/// ensemble-boxes, the authors' own code for Matrix NMS (SOLOv2) and Softer-NMS (KL-Loss), and for `softer`,
/// `weighted`, `diou`, `ciou` and `cluster` also a transcription of their rules (`training/golden_suppression.py`);
/// SAHI itself for `greedy-nmm` and `nmm` (`training/golden_sahi.py`).
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
        /// The `overlap=…` of the method spec (the merging methods).
        var overlap: String?
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

    /// `greedy-nmm` and `nmm` give exactly SAHI's merged boxes, scores and categories (bit for bit), listed in
    /// DetectKit's order (score, then input position) where SAHI lists them category by category.
    @Test(arguments: ["greedy-nmm", "nmm"])
    func mergingEqualsSAHIExactly(method: String) throws {
        let file = try Self.load(method)
        #expect(file.peer.hasPrefix("sahi "))
        for c in file.cases {
            var m = try SuppressionMethod(parsing: "\(method):overlap=\(try #require(c.overlap))")
            try m.set(.threshold, try #require(c.params["threshold"]))
            let d = try Detections(
                boxes: BoxArray(c.boxes.map { Box(x1: $0[0], y1: $0[1], x2: $0[2], y2: $0[3]) }), scores: c.scores, categories: c.categories)
            let kept = try m.makeSuppressor().apply(to: d, options: SuppressionOptions(classAgnostic: c.class_agnostic))
            func row(_ score: Float, _ box: [Float], _ category: Int) -> [Float] { [-score] + box + [Float(category)] }
            let ours = kept.map { row($0.score, [$0.box.x1, $0.box.y1, $0.box.x2, $0.box.y2], d.categories[$0.index]) }
            let theirs = c.expected.scores.indices.map { row(c.expected.scores[$0], c.expected.boxes[$0], c.expected.categories![$0]) }
            let sort: ([[Float]]) -> [[Float]] = { $0.sorted { $0.lexicographicallyPrecedes($1) } }
            #expect(sort(ours).map { $0.map(\.bitPattern) } == sort(theirs).map { $0.map(\.bitPattern) }, "\(c.name)")
        }
    }

    /// Every case of `file` run through DetectKit and compared with the peer's survivors.
    func check(_ file: File) throws {
        #expect(file.cases.count >= 12)
        for c in file.cases {
            var parameters: [SuppressionMethod.Parameter: Float] = [:]
            for (k, v) in c.params { parameters[try #require(SuppressionMethod.Parameter(named: k))] = v }
            var method = try SuppressionMethod(parsing: c.method + (c.overlap.map { ":overlap=\($0)" } ?? ""))
            for (p, v) in parameters { try method.set(p, v) }
            let suppressor = method.makeSuppressor()
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
        // Pair survivors: by record index where the peer names it, else (fused boxes) both sides sorted by score,
        // then by box.
        var kept = kept
        let order: [Int]
        if let indices = e.indices {
            let position = Dictionary(uniqueKeysWithValues: indices.enumerated().map { ($1, $0) })
            order = try kept.map { k in try #require(position[k.index], "\(c.name): record \(k.index) not kept by the peer") }
        } else {
            func key(_ score: Float, _ b: [Float]) -> [Float] { [-score] + b }
            kept.sort { key($0.score, [$0.box.x1, $0.box.y1, $0.box.x2, $0.box.y2]).lexicographicallyPrecedes(key($1.score, [$1.box.x1, $1.box.y1, $1.box.x2, $1.box.y2])) }
            order = e.scores.indices.sorted { key(e.scores[$0], e.boxes[$0]).lexicographicallyPrecedes(key(e.scores[$1], e.boxes[$1])) }
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
