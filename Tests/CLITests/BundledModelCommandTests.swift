import Foundation
import Testing

/// The commands with their defaults: the bundled detector and CLIP model, on the committed `samples/`.
@Suite struct BundledModelCommandTests {
    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("samples")

    static func rows(_ json: String) throws -> [String: [String: Double]] {
        let list = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        var rows: [String: [String: Double]] = [:]
        for row in list {
            let method = try #require(row["method"] as? String)
            rows[method] = row.compactMapValues { $0 as? Double }.filter { $0.key != "milliseconds" }
        }
        return rows
    }

    /// `compare SAMPLES_DIR` with the bundled detector equals `detect --raw` followed by `compare --ground-truth`.
    @Test func compareOnSamplesEqualsDetectThenCompare() throws {
        let dir = try TemporaryFile.directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let truth = Self.samples.appendingPathComponent("annotations.json").path
        let raw = dir.appendingPathComponent("raw.json").path
        let detect = try Detectkit.run([
            "detect", Self.samples.appendingPathComponent("images").path, "--raw", "--images", truth, "-o", raw,
        ])
        #expect(detect.status == 0, "\(detect.stderr)")
        let methods = "nms,soft-gaussian,softer"
        let direct = try Detectkit.run(["compare", Self.samples.path, "--methods", methods, "--json"])
        let viaFile = try Detectkit.run(["compare", "--ground-truth", truth, raw, "--methods", methods, "--json"])
        #expect(direct.status == 0 && viaFile.status == 0, "\(direct.stderr)\(viaFile.stderr)")
        let a = try Self.rows(direct.stdout), b = try Self.rows(viaFile.stdout)
        #expect(a.count == 3 && a == b)
        #expect((a["nms"]?["AP50"] ?? 0) > 0.2, "the bundled detector finds the sample objects")
    }

    /// `detect --labels` names every kept box with one of the labels, with the bundled CLIP model.
    @Test func detectNamesBoxesWithTheBundledCLIP() throws {
        let labels = ["red circle", "blue star", "green square", "yellow triangle"]
        let r = try Detectkit.run([
            "detect", Self.samples.appendingPathComponent("images/000010.png").path, "--labels", labels.joined(separator: ","),
        ])
        #expect(r.status == 0, "\(r.stderr)")
        let records = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
        #expect(!records.isEmpty)
        for record in records {
            #expect(labels.contains(record["label"] as? String ?? ""))
            let p = record["label_probability"] as? Double ?? -1
            #expect(p > 0 && p <= 1)
        }
    }

    /// Labels and file names with quotes, backslashes and control characters come out as valid JSON, unchanged.
    @Test func hostileLabelsAndFileNamesStayValidJSON() throws {
        let dir = try TemporaryFile.directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let name = "a \"quoted\" \\ name\t.png"
        let image = dir.appendingPathComponent(name).path
        try FileManager.default.copyItem(atPath: Self.samples.appendingPathComponent("images/000010.png").path, toPath: image)
        let labels = ["red \"circle\"", "back\\slash star", "tab\tsquare"]
        let r = try Detectkit.run(["detect", image, "--labels", labels.joined(separator: ",")])
        #expect(r.status == 0, "\(r.stderr)")
        let records = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]], "\(r.stdout)")
        #expect(!records.isEmpty)
        for record in records {
            #expect(labels.contains(record["label"] as? String ?? ""))
            #expect(record["image_id"] as? String == name)
        }
        let bench = try Detectkit.run(["bench", "decode", image, "--samples", "1", "--json"])
        let row = try #require(try JSONSerialization.jsonObject(with: Data(bench.stdout.utf8)) as? [String: Any], "\(bench.stdout)")
        #expect(row["name"] as? String == image)
    }
}
