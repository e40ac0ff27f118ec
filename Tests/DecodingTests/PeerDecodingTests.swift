import Boxes
import Decoding
import Foundation
import Testing

/// Every format decodes as its own library does, on outputs and results fixed by `training/golden_decoders.py`:
/// Ultralytics' predictor (YOLOv8n and YOLOv10n built from their YAML, exported to ONNX, run by onnxruntime; its
/// OBB predictor's post-processing on synthetic `[1, 4 + C + 1, N]` outputs),
/// YOLOv5's `non_max_suppression`, `transformers`' DETR and RT-DETR image processors, torchvision's RetinaNet
/// and SSD heads. YOLO boxes and scores come straight from the file and must match bit for bit; the others
/// recompute `exp`, which PyTorch does not round correctly every time, so they match to 1e-6 (scores) and 1e-4 px.
@Suite struct PeerDecodingTests {
    static let folder = Bundle.module.resourceURL!.appendingPathComponent("Fixtures")

    struct Expected: Decodable {
        struct Detection: Decodable {
            var box: [Float]?
            var rbox: [Float]?
            var score: Float
            var `class`: Int
        }
        struct Params: Decodable {
            var conf: Float?, iou: Float?, max_det: Int?, agnostic: Bool?, classes: [Int]?, multi_label: Bool?, max_nms: Int?
            var threshold: Float?
            var score_thresh: Float?, nms_thresh: Float?, detections_per_img: Int?, topk_candidates: Int?
        }
        var format: String
        var input_size: [Int]
        var image_size: [Int]
        var params: Params
        var detections: [Detection]
    }

    /// `format/case` of every fixture.
    static let cases: [String] = {
        let formats = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return formats.sorted().flatMap { format in
            ((try? FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent(format).path)) ?? []).sorted().map { "\(format)/\($0)" }
        }
    }()

    @Test func everyFormatHasFixtures() {
        let formats = Set(Self.cases.map { String($0.split(separator: "/")[0]) })
        #expect(formats == Set(RawOutputFormat.allCases.map(\.rawValue)))
        #expect(Self.cases.count == 19)
    }

    @Test(arguments: cases)
    func decodesAsItsLibrary(name: String) throws {
        let dir = Self.folder.appendingPathComponent(name)
        let expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: dir.appendingPathComponent("expected.json")))
        let format = try #require(RawOutputFormat(rawValue: expected.format))
        let npy = dir.appendingPathComponent("output.npy").path
        let files = FileManager.default.fileExists(atPath: npy) ? [npy] : [dir.appendingPathComponent("outputs.safetensors").path]
        let tensors = try RawOutputFiles.read(files, format: format)
        let p = expected.params
        let settings = RawOutputFormat.Settings(
            inputWidth: expected.input_size[0], inputHeight: expected.input_size[1], imageWidth: expected.image_size[0],
            imageHeight: expected.image_size[1], confidence: p.conf ?? p.threshold ?? p.score_thresh, iou: p.iou ?? p.nms_thresh,
            maxDetections: p.max_det ?? p.detections_per_img, maxCandidates: p.max_nms ?? p.topk_candidates,
            classAgnostic: p.agnostic ?? false, multiLabel: p.multi_label ?? false, classes: p.classes)
        let got = try format.decode(tensors, settings: settings)
        try #require(got.count == expected.detections.count, "\(name): \(got.count) detections, the library \(expected.detections.count)")
        let exact = format == .yolov8 || format == .yolov5 || format == .yoloEnd2End
        for (k, e) in expected.detections.enumerated() {
            let b = got.boxes[k]
            #expect(got.categories[k] == e.class, "\(name) #\(k): class")
            if let rbox = e.rbox {
                let r = try #require(got.rotated?[k])
                #expect([r.cx, r.cy, r.width, r.height, r.angle] == rbox, "\(name) #\(k): rbox")
                #expect(got.scores[k] == e.score && b == r.enclosingBox, "\(name) #\(k): score")
            } else if exact {
                #expect([b.x1, b.y1, b.x2, b.y2] == e.box ?? [], "\(name) #\(k): box")
                #expect(got.scores[k] == e.score, "\(name) #\(k): score")
            } else {
                let worst = zip([b.x1, b.y1, b.x2, b.y2], e.box ?? []).map { abs($0 - $1) }.max() ?? 0
                #expect(worst <= 1e-4, "\(name) #\(k): box \(b) vs \(e.box)")
                #expect(abs(got.scores[k] - e.score) <= 1e-6, "\(name) #\(k): score \(got.scores[k]) vs \(e.score)")
            }
        }
    }

    @Test func coco80IsUltralyticsTable() throws {
        struct Table: Decodable { var coco91: [Int] }
        let table = try JSONDecoder().decode(Table.self, from: Data(contentsOf: Self.folder.appendingPathComponent("coco80.json")))
        #expect(CategoryMap.coco80.categoryIDs == table.coco91)
    }
}
