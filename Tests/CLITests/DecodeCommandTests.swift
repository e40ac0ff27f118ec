import DetectKit
import Foundation
import Testing

/// `detectkit decode` on the decoders' peer fixtures (Tests/DecodingTests/Fixtures): COCO results out, the
/// format's own post-processing or a DetectKit method, and named errors for every bad input.
@Suite struct DecodeCommandTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("DecodingTests/Fixtures")
    static func path(_ name: String) -> String { fixtures.appendingPathComponent(name).path }

    @Test func yoloResultsMapToCOCOIds() throws {
        let dir = try TemporaryFile.directory()
        let out = dir.appendingPathComponent("r.json").path
        let r = try Detectkit.run([
            "decode", "--format", "yolov8", Self.path("yolov8/downscale-default/output.npy"), "--input-size", "160x160",
            "--image-size", "320x201", "--image-id", "7", "--category-map", "coco80", "--timing", "-o", out,
        ])
        #expect(r.status == 0, "\(r.stderr)")
        let results = try COCOResults(contentsOf: out)
        #expect(results.count == 69)
        #expect(Set(results.detections.categories).isSubset(of: Set(CategoryMap.coco80.categoryIDs)))
        #expect(results.imageIDs == [COCOImageID.number(7)])
        let timing = try JSONSerialization.jsonObject(with: Data(r.stderr.utf8)) as? [String: Any]
        #expect(timing?["format"] as? String == "yolov8")
        #expect(timing?["candidates"] as? Int == 525)
    }

    @Test func aMethodReplacesTheFormatsNMS() throws {
        let native = try Detectkit.run([
            "decode", "--format", "yolov8", Self.path("yolov8/upscale-agnostic/output.npy"), "--input-size", "160x160", "--image-size", "152x191",
            "--conf", "0.05",
        ])
        let soft = try Detectkit.run([
            "decode", "--format", "yolov8", Self.path("yolov8/upscale-agnostic/output.npy"), "--input-size", "160x160", "--image-size", "152x191",
            "--conf", "0.05", "--method", "soft-gaussian",
        ])
        #expect(native.status == 0 && soft.status == 0, "\(native.stderr)\(soft.stderr)")
        #expect(soft.stdout.split(separator: "\n").count > native.stdout.split(separator: "\n").count)
    }

    @Test(arguments: [
        (["--format", "yolov9", "x.npy"], "--format yolov9"),
        (["--format", "yolov8", "yolov8/downscale-default/output.npy", "--image-size", "10x10"], "--input-size"),
        (["--format", "yolov8", "yolov8/downscale-default/output.npy", "--input-size", "10x10"], "--image or --image-size"),
        (["--format", "detr", "detr/default/outputs.safetensors", "--image-size", "10x10", "--iou", "0.5"], "has no NMS"),
        (["--format", "ssd", "ssd/ssd300-vgg16/outputs.safetensors", "--image-size", "10x10", "--input-size", "300x300", "--agnostic"], "--agnostic"),
        (["--format", "yolov8", "yolov8/downscale-default/output.npy", "--image-size", "10x10", "--input-size", "9x9", "--sigma", "0.3"], "--sigma"),
        (["--format", "yolov8", "yolov8/downscale-default/output.npy", "--image-size", "10x10", "--input-size", "9x9", "--conf", "nan"], "--conf"),
        (["--format", "yolov8", "yolov8/downscale-default/output.npy", "--image-size", "10x10", "--input-size", "9x9", "--classes", "1,x"], "--classes"),
    ])
    func usageErrors(arguments: [String], mentions: String) throws {
        let r = try Detectkit.run(["decode"] + arguments.map { $0.hasSuffix(".npy") || $0.hasSuffix(".safetensors") ? Self.path($0) : $0 })
        #expect(r.status == 64)
        #expect(r.stderr.contains(mentions), "\(r.stderr)")
    }

    @Test func badTensorsAreNamedErrors() throws {
        let dir = try TemporaryFile.directory()
        func write(_ name: String, _ bytes: Data) throws -> String {
            let p = dir.appendingPathComponent(name).path
            try bytes.write(to: URL(fileURLWithPath: p))
            return p
        }
        let good = try Data(contentsOf: URL(fileURLWithPath: Self.path("yolov8/downscale-default/output.npy")))
        var nan = good
        nan.replaceSubrange((nan.count - 4)..<nan.count, with: [0, 0, 0xC0, 0x7F])
        let cases: [(String, String)] = [
            (try write("truncated.npy", good.prefix(good.count - 7)), "truncated"),
            (try write("nan.npy", nan), "is not finite"),
            (try write("text.npy", Data("hello".utf8)), "not a NumPy .npy file"),
            (dir.appendingPathComponent("missing.npy").path, "missing.npy"),
        ]
        for (file, message) in cases {
            let r = try Detectkit.run(["decode", "--format", "yolov8", file, "--input-size", "160x160", "--image-size", "320x201"])
            #expect(r.status == 1, "\(file)")
            #expect(r.stderr.contains(file) && r.stderr.contains(message), "\(r.stderr)")
        }
        // Two categories for a model of eight classes: the first detection of class 2 or more is named.
        let instances = try write(
            "instances.json", Data(#"{"images": [], "annotations": [], "categories": [{"id": 3, "name": "a"}, {"id": 1, "name": "b"}]}"#.utf8))
        let classes = try Detectkit.run([
            "decode", "--format", "yolov5", Self.path("yolov5/default/output.npy"), "--input-size", "320x320", "--image-size", "500x375",
            "--category-map", instances,
        ])
        #expect(classes.status == 1 && classes.stderr.contains("has no category id: the category map holds 2"), "\(classes.stderr)")
        let wrongShape = try Detectkit.run([
            "decode", "--format", "yolo-end2end", Self.path("yolov5/default/output.npy"), "--input-size", "320x320", "--image-size", "500x375",
        ])
        #expect(wrongShape.status == 1 && wrongShape.stderr.contains("class"), "\(wrongShape.stderr)")
    }
}
