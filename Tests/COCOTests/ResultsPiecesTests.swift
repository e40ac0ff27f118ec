@testable import COCO
import DetectKitUtilities
import Foundation
import Testing

/// Reading a results file in pieces on several threads gives exactly what one sequential read gives, including when
/// the guessed boundaries fall inside strings that look like record boundaries, and names the same record when one
/// is bad.
@Suite struct ResultsPiecesTests {
    /// About `count` records; every `stringEvery`-th carries a string that contains `}, {` and `},\n{`.
    static func file(count: Int, stringEvery: Int, badRecord: Int? = nil) throws -> URL {
        var rng = SplitMix64(seed: UInt64(count))
        var records: [String] = []
        for i in 0..<count {
            var fields = [
                "\"image_id\": \(Int.random(in: 1...500, using: &rng))", "\"category_id\": \(Int.random(in: 1...80, using: &rng))",
                "\"bbox\": [\(Double.random(in: 0...600, using: &rng)), \(Double.random(in: 0...400, using: &rng)), "
                    + "\(Double.random(in: 1...90, using: &rng)), \(Double.random(in: 1...90, using: &rng))]",
                "\"score\": \(i == badRecord ? "\"x\"" : String(Double.random(in: 0...1, using: &rng)))",
            ]
            if i % stringEvery == 0 {
                fields.insert("\"note\": \"}, {\\\"image_id\\\": 1}, {  },\\n{ \(String(repeating: "}, {", count: 40))\"", at: 2)
            }
            records.append("{" + fields.joined(separator: ", ") + "}")
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pieces-\(UUID().uuidString).json")
        try Data(("[" + records.joined(separator: count % 2 == 0 ? ",\n" : ", ") + "]").utf8).write(to: url)
        return url
    }

    static func read(_ url: URL, parts: Int) throws -> [[Double]] {
        try COCOResults.records(contentsOf: url.path, parts: parts, newPart: { _ in [[Double]]() }) { part, r in
            guard case .number(let image) = r.imageID else { return }
            part.append([image, Double(r.category), r.bbox.x, r.bbox.y, r.bbox.z, r.bbox.w, r.score])
        }.flatMap { $0 }
    }

    @Test(arguments: [1, 2, 3])
    func piecesEqualOneSequentialRead(stringEvery: Int) throws {
        let url = try Self.file(count: 30_000, stringEvery: stringEvery)
        defer { try? FileManager.default.removeItem(at: url) }
        let sequential = try Self.read(url, parts: 1)
        #expect(sequential.count == 30_000)
        for parts in [2, 3, 4, 7] { #expect(try Self.read(url, parts: parts) == sequential, "\(parts) parts") }
        // And equal to COCOResults, which reads the file in one pass.
        let results = try COCOResults(contentsOf: url.path)
        #expect(results.writtenScores == sequential.map { $0[6] })
    }

    @Test(arguments: [1_000, 15_000, 29_999])
    func aBadRecordIsNamedAsInOneRead(index: Int) throws {
        let url = try Self.file(count: 30_000, stringEvery: 5, badRecord: index)
        defer { try? FileManager.default.removeItem(at: url) }
        for parts in [1, 2, 4] {
            #expect(throws: COCOResultsError.self) { try Self.read(url, parts: parts) }
            do {
                _ = try Self.read(url, parts: parts)
            } catch let e as COCOResultsError {
                #expect(e.record == index, "\(parts) parts")
                #expect(e.message == "field \"score\" must be a number, found string")
            }
        }
    }
}
