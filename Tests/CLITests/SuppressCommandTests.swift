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

    /// Records that all carry an rbox are suppressed as oriented boxes: a box turned by 90° about the same centre
    /// survives what its enclosing box would not; fused rboxes and their bbox are rewritten, the rest carried
    /// through; `--axis-aligned` suppresses the bbox (and adds one to a record written with an rbox alone, whose
    /// rbox becomes the fused box at angle 0).
    @Test func orientedRecords() throws {
        let file = try TemporaryFile("""
            [{"image_id": 1, "category_id": 1, "rbox": [50, 50, 40, 10, 0.3], "score": 0.9, "id": "a"},
            {"image_id": 1, "category_id": 1, "rbox": [51, 50, 10, 40, 1.8708], "score": 0.8, "id": "b"},
            {"image_id": 1, "category_id": 1, "bbox": [0, 0, 1, 1], "rbox": [50, 50, 40, 10, 1.87], "score": 0.7, "id": "c"}]
            """)
        for method in ["nms", "nms:overlap=probiou", "fast-nms:overlap=probiou,threshold=0.5", "matrix-linear"] {
            let r = try Detectkit.run(["suppress", "--method", method, "--score-threshold", "0.5", file.path])
            #expect(r.status == 0, "\(method): \(r.stderr)")
            #expect(r.stdout.contains(#""id": "a""#) && !r.stdout.contains(#""id": "b""#) && r.stdout.contains(#""id": "c""#), "\(method): \(r.stdout)")
            #expect(r.stdout.contains(#""bbox": [0, 0, 1, 1]"#), "\(method)")
        }
        let weighted = try Detectkit.run(["suppress", "--method", "weighted", file.path])
        let lines = weighted.stdout.split(separator: "\n")
        #expect(lines.count == 4 && lines[1].contains(#""rbox": [50.4"#) && !lines[1].contains("bbox"), "\(weighted.stdout)")
        #expect(lines[2] == #"{"image_id": 1, "category_id": 1, "bbox": [0, 0, 1, 1], "rbox": [50, 50, 40, 10, 1.87], "score": 0.7, "id": "c"},"#.dropLast())
        let axis = try Detectkit.run(["suppress", "--axis-aligned", "--method", "weighted", file.path])
        // The fused axis-aligned box also replaces record a's rbox, at angle 0: no stale rbox is left beside it.
        let fusedA = try #require(axis.stdout.split(separator: "\n").first { $0.contains(#""id": "a""#) })
        #expect(axis.status == 0 && fusedA.contains(#""id": "a", "bbox": ["#) && fusedA.contains(", 0.0], \"score\""), "\(axis.stdout)")
        let softer = try Detectkit.run(["suppress", "--method", "softer", file.path])
        #expect(softer.status != 0 && softer.stderr.contains("softer: does not take oriented boxes"), "\(softer.stderr)")
        let pixels = try Detectkit.run(["suppress", "--pixel-inclusive", file.path])
        #expect(pixels.status != 0 && pixels.stderr.contains("--pixel-inclusive does not apply to oriented boxes"))
    }

    @Test(arguments: [
        (#"{"image_id": 1, "category_id": 1, "rbox": [5, 5, -4, 10, 0.3], "score": 0.9}"#, "rbox [5.0, 5.0, -4.0, 10.0, 0.3] has a negative width or height"),
        (#"{"image_id": 1, "category_id": 1, "rbox": [5, 5, 4, 10], "score": 0.9}"#, "must be an array of 5 numbers"),
        (#"{"image_id": 1, "category_id": 1, "rbox": [5, 5, 4, 10, 1e39], "score": 0.9}"#, "\"rbox\" is out of range"),
        (#"{"image_id": 1, "category_id": 1, "rbox": [5, 5, 4, 10, "a"], "score": 0.9}"#, "must be a number, found string"),
        (#"{"image_id": 1, "category_id": 1, "bbox": [0, 0, 1, 1], "score": 0.9}"#, "has no \"rbox\", and the records before it have one"),
    ])
    func badOrientedRecordsAreNamed(second: String, message: String) throws {
        let r = try Detectkit.run(["suppress", "-"], stdin: #"[{"image_id": 1, "category_id": 1, "rbox": [5, 5, 4, 10, 0], "score": 0.5},"# + second + "]")
        #expect(r.status != 0 && r.stderr.contains("record 1 ") && r.stderr.contains(message), "\(r.stderr)")
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
