import DetectKitTestSupport
import Foundation
import Testing

/// `detectkit suppress` end to end: the built binary, run as a user would.
@Suite struct SuppressCommandTests {
    static let record = #"{"image_id": 1, "category_id": 1, "bbox": [0, 0, 10, 10], "score": 0.9"#

    @Test func readsAFileAndWritesSurvivorsToStandardOutput() throws {
        let file = try TemporaryFile(#"[{"id": 5, "image_id": 1, "category_id": 1, "bbox": [0, 0, 10, 10], "score": 0.9, "tag": [1, {"x": null}]},"#
            + #"{"image_id": 1, "category_id": 1, "bbox": [1, 0, 10, 10], "score": 0.8}]"#)
        let r = try Detectkit.run(["suppress", file.path])
        #expect(r.status == 0)
        #expect(r.stdout == "[\n" + #"{"id": 5, "image_id": 1, "category_id": 1, "bbox": [0, 0, 10, 10], "score": 0.9, "tag": [1, {"x": null}]}"# + "\n]\n")
        #expect(r.stderr.isEmpty)
    }

    @Test func readsStandardInputAndWritesAFileAtomically() throws {
        let dir = try TemporaryFile.directory()
        let out = dir.appendingPathComponent("kept.json").path
        let r = try Detectkit.run(["suppress", "--method", "soft-gaussian", "-", "-o", out], stdin: "[" + Self.record + "}]")
        #expect(r.status == 0 && r.stdout.isEmpty)
        let written = try String(contentsOfFile: out, encoding: .utf8)
        #expect(written.contains(#""score": 0.9"#))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["kept.json"])
    }

    @Test func timingPrintsOneJSONLineOnStandardError() throws {
        let r = try Detectkit.run(["suppress", "--timing", "-"], stdin: "[" + Self.record + "}]")
        #expect(r.status == 0)
        let line = try #require(r.stderr.split(separator: "\n").first)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(json["method"] as? String == "nms")
        #expect(json["boxes"] as? Int == 1)
        #expect((json["seconds"] as? Double).map { $0 >= 0 } == true)
    }

    @Test func emptyArrayIsValid() throws {
        let r = try Detectkit.run(["suppress", "-"], stdin: " [ ] ")
        #expect(r.status == 0 && r.stdout == "[]\n")
    }

    @Test(arguments: [
        ("[" + record + ", \"score\": 1}]", "record 0", "appears twice"),
        ("[" + record + "}, {\"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, 1, 1], \"score\": 1e999}]", "record 1", "out of range"),
        ("[" + record + "}, {\"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, -1, 1], \"score\": 1}]", "record 1", "negative width"),
        ("[{\"image_id\": 1, \"bbox\": [0, 0, 1, 1], \"score\": 1}]", "record 0", "missing field \"category_id\""),
        ("[{\"image_id\": 1, \"category_id\": \"cat\", \"bbox\": [0, 0, 1, 1], \"score\": 1}]", "record 0", "must be a number"),
        ("[{\"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, 1, 1], \"score\": NaN}]", "line 1", "not valid JSON"),
        ("[{\"image_id\": 1, \"category_id\": 1, \"bbox\": [0, 0, 1, 1], \"score\": Infinity}]", "line 1", "not valid JSON"),
        ("this is not json", "line 1", "not valid JSON"),
        ("{\"annotations\": []}", "-", "expected a JSON array"),
    ])
    func badInputIsReportedWithTheRecord(input: String, place: String, message: String) throws {
        let r = try Detectkit.run(["suppress", "-"], stdin: input)
        #expect(r.status != 0)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.hasPrefix("detectkit: error: -: "), "\(r.stderr)")
        #expect(r.stderr.contains(place) && r.stderr.contains(message), "\(r.stderr)")
    }

    @Test func missingFileAndBadOptionsFail() throws {
        let missing = try Detectkit.run(["suppress", "/nonexistent/results.json"])
        #expect(missing.status != 0 && missing.stderr.contains("/nonexistent/results.json"))
        let method = try Detectkit.run(["suppress", "--method", "fast", "-"], stdin: "[]")
        #expect(method.status != 0 && method.stderr.contains("expected one of"))
        let foreign = try Detectkit.run(["suppress", "--method", "nms", "--sigma", "0.3", "-"], stdin: "[]")
        #expect(foreign.status != 0 && foreign.stderr.contains("does not apply to method nms"))
        let range = try Detectkit.run(["suppress", "--iou", "1.5", "-"], stdin: "[" + Self.record + "}]")
        #expect(range.status != 0 && range.stderr.contains("must be in [0, 1]"))
    }

    /// `--method` takes a full spec, as `--methods` does: `nms:threshold=0.6` is `--method nms --threshold 0.6`.
    @Test func methodTakesASpec() throws {
        let d = try RandomDetections.make(seed: 5, count: 200, categories: 2)
        let file = try TemporaryFile(COCOText.results(d))
        let spec = try Detectkit.run(["suppress", "--method", "soft-gaussian:sigma=0.3", file.path])
        let flags = try Detectkit.run(["suppress", "--method", "soft-gaussian", "--sigma", "0.3", file.path])
        #expect(spec.status == 0 && spec.stdout == flags.stdout && !spec.stdout.isEmpty, "\(spec.stderr)")
        let foreign = try Detectkit.run(["suppress", "--method", "nms:sigma=0.3", file.path])
        #expect(foreign.status != 0 && foreign.stderr.contains("does not apply to method nms (it takes threshold)"))
    }

    @Test func everyMethodRunsFromTheCommandLine() throws {
        let d = try RandomDetections.make(seed: 4, count: 300, categories: 2)
        let file = try TemporaryFile(COCOText.results(d))
        for method in ["nms", "soft-linear", "soft-gaussian", "softer", "weighted", "diou", "ciou", "cluster",
                       "matrix-gaussian", "matrix-linear", "wbf"] {
            let r = try Detectkit.run(["suppress", "--method", method, "--max-detections", "50", file.path])
            #expect(r.status == 0, "\(method): \(r.stderr)")
            let kept = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]
            #expect((kept?.count ?? 0) > 0 && (kept?.count ?? 99) <= 50, "\(method)")
        }
    }

    /// A million boxes through the whole command, and many identical boxes with equal scores.
    @Test func largeAndDegenerateInputs() throws {
        let d = try RandomDetections.make(seed: 11, count: 1_000_000, categories: 3, width: 60_000, height: 40_000)
        let big = try TemporaryFile(COCOText.results(d))
        let r = try Detectkit.run(["suppress", big.path, "-o", big.path + ".out"])
        #expect(r.status == 0, "\(r.stderr)")
        let same = try TemporaryFile("[" + Array(repeating: Self.record + "}", count: 50_000).joined(separator: ",") + "]")
        for method in ["nms", "soft-gaussian", "wbf", "cluster"] {
            let s = try Detectkit.run(["suppress", "--method", method, same.path])
            #expect(s.status == 0, "\(method): \(s.stderr)")
            #expect(s.stdout.hasPrefix("[\n" + Self.record), "\(method)")
        }
    }
}
