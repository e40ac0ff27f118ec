import DetectKit
import DetectKitTestSupport
import Foundation
import Testing

/// `detectkit compare` end to end: ranking, agreement with `suppress | eval`, the HTML report in a real browser,
/// and bad input.
@Suite struct CompareCommandTests {
    /// Two images of 64×48 and 80×60 with two objects each, and clusters of candidates around them.
    static let truth = """
        {"images": [{"id": 1, "file_name": "a.png", "width": 64, "height": 48}, {"id": 2, "file_name": "b.png", "width": 80, "height": 60}],
         "categories": [{"id": 1, "name": "dot"}, {"id": 2, "name": "bar"}],
         "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [4, 4, 20, 20], "area": 400, "iscrowd": 0},
                         {"id": 2, "image_id": 1, "category_id": 2, "bbox": [30, 10, 25, 12], "area": 300, "iscrowd": 0},
                         {"id": 3, "image_id": 2, "category_id": 1, "bbox": [10, 10, 30, 30], "area": 900, "iscrowd": 0},
                         {"id": 4, "image_id": 2, "category_id": 1, "bbox": [22, 14, 30, 30], "area": 900, "iscrowd": 0}]}
        """

    static var raw: String {
        var records: [String] = []
        let objects: [(Int, Int, [Double])] = [(1, 1, [4, 4, 20, 20]), (1, 2, [30, 10, 25, 12]), (2, 1, [10, 10, 30, 30]), (2, 1, [22, 14, 30, 30])]
        for (image, category, b) in objects {
            for (k, shift) in [0.0, 1.5, -2.0, 3.0].enumerated() {
                records.append(
                    "{\"image_id\": \(image), \"category_id\": \(category), \"bbox\": [\(b[0] + shift), \(b[1] - shift / 2), \(b[2] + shift), \(b[3])], "
                        + "\"score\": \(0.9 - 0.15 * Double(k) + 0.01 * b[0] / 10), \"bbox_std\": [1, 1, 1, 1]}")
            }
        }
        return "[" + records.joined(separator: ",\n") + "]"
    }

    @Test func ranksEveryMethodAndPrintsJSONRows() throws {
        let gt = try TemporaryFile(Self.truth), raw = try TemporaryFile(Self.raw)
        let r = try Detectkit.run(["compare", "--ground-truth", gt.path, raw.path, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == SuppressionMethod.names.count)
        #expect(Set(rows.compactMap { $0["method"] as? String }) == Set(SuppressionMethod.names))
        for row in rows {
            #expect(Set(row.keys) == [
                "method", "AP", "AP50", "AP75", "AR100", "kept", "milliseconds", "tide", "per_class", "curves", "confusion_matrix",
            ])
        }
        // nms keeps one box per object: no error, so no AP to win back.
        let nmsTide = try #require(rows.first { $0["method"] as? String == "nms" }?["tide"] as? [String: Any])
        #expect((nmsTide["counts"] as? [String: Int])?.values.allSatisfy { $0 == 0 } == true)
        let table = try Detectkit.run(["compare", "--ground-truth", gt.path, raw.path, "--methods", "nms"])
        #expect(table.stdout.split(separator: "\n").first?.hasSuffix("   Cls    Loc   Both   Dupe    Bkg   Miss") == true, "\(table.stdout)")
        let aps = rows.compactMap { $0["AP"] as? Double }
        #expect(aps == aps.sorted(by: >))
        #expect(rows.first { $0["method"] as? String == "nms" }?["kept"] as? Int == 4)  // one per object
    }

    @Test func aRowEqualsSuppressThenEval() throws {
        let gt = try TemporaryFile(Self.truth), raw = try TemporaryFile(Self.raw)
        for method in ["soft-gaussian:sigma=0.3", "wbf", "softer"] {
            let compared = try Detectkit.run(["compare", "--ground-truth", gt.path, raw.path, "--json", "--methods", method])
            let row = try #require((try JSONSerialization.jsonObject(with: Data(compared.stdout.utf8)) as? [[String: Any]])?.first)
            let name = String(method.split(separator: ":")[0])
            var arguments = ["suppress", "--method", name, raw.path, "-o", raw.path + ".kept.json"]
            if name == "soft-gaussian" { arguments += ["--sigma", "0.3"] }
            #expect(try Detectkit.run(arguments).status == 0)
            let evaluated = try Detectkit.run([
                "eval", "--ground-truth", gt.path, raw.path + ".kept.json", "--json", "--tide", "--curves", "--confusion-matrix",
            ])
            let stats = try #require(try JSONSerialization.jsonObject(with: Data(evaluated.stdout.utf8)) as? [String: Any])
            for key in ["AP", "AP50", "AP75", "AR100"] { #expect(row[key] as? Double == stats[key] as? Double, "\(method) \(key)") }
            // Its TIDE breakdown, per-class APs, curves and confusion matrix are those of `eval` on the same survivors.
            let tide = try #require(row["tide"] as? [String: Any]), evalTide = try #require(stats["tide"] as? [String: Any])
            #expect(tide["delta_ap"] as? [String: Double] == evalTide["delta_ap"] as? [String: Double], "\(method)")
            #expect(tide["counts"] as? [String: Int] == evalTide["counts"] as? [String: Int], "\(method)")
            for key in ["per_class", "curves", "confusion_matrix"] {
                let ours = try JSONSerialization.data(withJSONObject: try #require(row[key]), options: .sortedKeys)
                let theirs = try JSONSerialization.data(withJSONObject: try #require(stats[key]), options: .sortedKeys)
                #expect(ours == theirs, "\(method) \(key)")
            }
        }
    }

    @Test func methodListsTakeParameters() throws {
        let gt = try TemporaryFile(Self.truth), raw = try TemporaryFile(Self.raw)
        let r = try Detectkit.run(["compare", "--ground-truth", gt.path, raw.path, "--methods", "softer:vote_sigma=0.05,vote_iou=0.1,nms:iou=0.6"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("softer:sigma") == false)
        #expect(r.stdout.contains("softer:vote_iou=0.1,vote_sigma=0.05"))
        #expect(r.stdout.contains("nms:threshold=0.6"))  // `iou`, the older name, is shown as `threshold`
        #expect(r.stdout.split(separator: "\n").count == 3)
        let bad = try Detectkit.run(["compare", "--ground-truth", gt.path, raw.path, "--methods", "nms:sigma=2"])
        #expect(bad.status != 0 && bad.stderr.contains("does not apply to method nms"))
    }

    @Test func badDetectionsAreNamed() throws {
        let gt = try TemporaryFile(Self.truth)
        let raw = try TemporaryFile(#"[{"image_id": 1, "category_id": 1, "bbox": [0, 0, 5, 5], "score": 0.5}, {"image_id": 1, "category_id": 7, "bbox": [0, 0, 5, 5], "score": 0.5}]"#)
        let r = try Detectkit.run(["compare", "--ground-truth", gt.path, raw.path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("record 1: category_id 7 is not among the ground truth's categories"))
        let broken = try TemporaryFile(#"[{"image_id": 1, "#)
        #expect(try Detectkit.run(["compare", "--ground-truth", gt.path, broken.path]).stderr.contains("not valid JSON"))
    }

    /// The grids are a batch: a detection reaching 1e38 is drawn clamped (it trapped and lost the whole report),
    /// and an image that cannot be read is named while the page and the other grids are written, exit status 1.
    @Test func reportGridsGoOnPastHugeBoxesAndBadImages() throws {
        let dir = try TemporaryFile.directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Image(width: 64, height: 48, fill: [40, 120, 200]).write(toFile: dir.appendingPathComponent("a.png").path)
        try Data("not an image".utf8).write(to: dir.appendingPathComponent("b.png"))
        let gt = dir.appendingPathComponent("gt.json"), raw = dir.appendingPathComponent("raw.json")
        try Self.truth.write(to: gt, atomically: false, encoding: .utf8)
        try """
            [{"image_id": 1, "category_id": 1, "bbox": [-1e38, -1e38, 3e38, 3e38], "score": 0.9},
             {"image_id": 1, "category_id": 2, "bbox": [30, 10, 1e38, 1e38], "score": 0.8},
             {"image_id": 2, "category_id": 1, "bbox": [10, 10, 30, 30], "score": 0.9}]
            """.write(to: raw, atomically: false, encoding: .utf8)
        let report = dir.appendingPathComponent("report")
        let r = try Detectkit.run(["compare", "--ground-truth", gt.path, raw.path, "--report", report.path, "--images", dir.path, "--methods", "nms,wbf"])
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains("b.png") && r.stderr.contains("not a PNG or JPEG image"), "\(r.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: report.appendingPathComponent("grids").path) == ["0-a.png"])
        #expect(FileManager.default.fileExists(atPath: report.appendingPathComponent("index.html").path))
    }

    static let chromium = Chromium.find()

    /// Whether this is a CI run (`CI` set, as CI services and `.ci/run` do): then a missing browser is a failure.
    static let inCI = ProcessInfo.processInfo.environment["CI"].map { !$0.isEmpty } ?? false

    /// The package root, for the check script and the kept screenshot.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Outside CI the test is skipped (and says so) when no Chromium is on PATH; in CI it fails instead, so the
    /// report is never left unchecked without anyone noticing.
    @Test(.enabled(if: chromium != nil || inCI, "needs Chromium on PATH (scripts/install-dependencies.sh installs it)"))
    func reportRendersInHeadlessChromium() throws {
        let browser = try #require(Self.chromium, "CI is set and no chromium, chromium-browser or google-chrome is on PATH")
        let dir = try TemporaryFile.directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let images = dir.appendingPathComponent("images")
        try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
        try Image(width: 64, height: 48, fill: [40, 120, 200]).write(toFile: images.appendingPathComponent("a.png").path)
        try Image(width: 80, height: 60, fill: [200, 160, 40]).write(toFile: images.appendingPathComponent("b.png").path)
        let gt = dir.appendingPathComponent("gt.json"), raw = dir.appendingPathComponent("raw.json")
        try Self.truth.write(to: gt, atomically: false, encoding: .utf8)
        try Self.raw.write(to: raw, atomically: false, encoding: .utf8)
        let report = dir.appendingPathComponent("report")
        let r = try Detectkit.run(["compare", "--ground-truth", gt.path, raw.path, "--report", report.path, "--images", images.path])
        #expect(r.status == 0, "\(r.stderr)")
        let grids = try FileManager.default.contentsOfDirectory(atPath: report.appendingPathComponent("grids").path).sorted()
        #expect(grids == ["0-a.png", "1-b.png"])
        let page = try String(contentsOf: report.appendingPathComponent("index.html"), encoding: .utf8)
        for part in ["AP points lost per error type (TIDE)", "F1 against confidence, IoU 0.50", "<h2>Confusion matrices</h2>", "<th>Miss</th>"] {
            #expect(page.contains(part), "\(part)")
        }
        #expect(page.components(separatedBy: "<table class=\"heat\">").count == SuppressionMethod.names.count + 1)  // one per method
        let grid = try Image(contentsOfFile: report.appendingPathComponent("grids/0-a.png").path)
        #expect(grid.width > 4 * 64 && grid.height > 3 * 48)  // ground truth + 11 methods, 4 per row

        let artifacts = Self.root.appendingPathComponent(".build/test-artifacts")
        try FileManager.default.createDirectory(at: artifacts, withIntermediateDirectories: true)
        let shot = artifacts.appendingPathComponent("compare-report.png")
        let check = Process()
        check.executableURL = Self.root.appendingPathComponent("scripts/check-report.sh")
        check.arguments = [report.appendingPathComponent("index.html").path, shot.path]
        check.environment = ProcessInfo.processInfo.environment.merging(["CHROMIUM": browser]) { $1 }
        let log = Pipe()
        check.standardError = log
        check.standardOutput = log
        try check.run()
        let output = String(decoding: log.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        check.waitUntilExit()
        #expect(check.terminationStatus == 0, "\(output)")
        let screenshot = try Image(contentsOfFile: shot.path)
        #expect(screenshot.width == 1400)
        #expect(Set(screenshot.pixels.prefix(1400 * 3 * 200)).count > 8, "the screenshot should not be blank")
    }
}

/// The report test's browser lookup follows PATH.
@Suite struct ChromiumLookupTests {
    @Test func browsersAreFoundOnPath() throws {
        let dir = try TemporaryFile.directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(Chromium.find(path: dir.path) == nil)
        let fake = dir.appendingPathComponent("chromium-browser").path
        #expect(FileManager.default.createFile(atPath: fake, contents: Data("#!/bin/sh\n".utf8), attributes: [.posixPermissions: 0o755]))
        #expect(Chromium.find(path: "/nonexistent:" + dir.path) == fake)
        #expect(Chromium.find(path: "") == nil)
    }
}
