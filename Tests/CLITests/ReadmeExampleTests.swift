import DetectKit
import Foundation
import Testing

/// README's "From Swift" block is `Examples/ReadmeExample/main.swift`, character for character, and that program
/// compiles (it is the `readme-example` target) and runs on the samples.
@Suite struct ReadmeExampleTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func readmeShowsTheExampleFile() throws {
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        let example = try String(contentsOf: Self.root.appendingPathComponent("Examples/ReadmeExample/main.swift"), encoding: .utf8)
        let start = try #require(readme.range(of: "## From Swift\n\n```swift\n"), "README has no \"From Swift\" Swift block")
        let end = try #require(readme.range(of: "```\n", range: start.upperBound..<readme.endIndex))
        #expect(String(readme[start.upperBound..<end.lowerBound]) == example, "README's block differs from Examples/ReadmeExample/main.swift")
    }

    @Test func readmeShowsTheDecodeExample() throws {
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        let example = try String(contentsOf: Self.root.appendingPathComponent("Examples/DecodeExample/main.swift"), encoding: .utf8)
        let section = try #require(readme.range(of: "## Your own model's output\n"), "README has no \"Your own model's output\" section")
        let start = try #require(readme.range(of: "```swift\n", range: section.upperBound..<readme.endIndex))
        let end = try #require(readme.range(of: "```\n", range: start.upperBound..<readme.endIndex))
        #expect(String(readme[start.upperBound..<end.lowerBound]) == example, "README's block differs from Examples/DecodeExample/main.swift")
    }

    /// The decode example on a YOLOv8n output and its image from the decoders' fixtures: Ultralytics' own
    /// post-processing keeps what Ultralytics kept (69 boxes).
    @Test func decodeExampleRunsOnAFixture() throws {
        let out = try TemporaryFile.directory()
        defer { try? FileManager.default.removeItem(at: out) }
        let fixture = Self.root.appendingPathComponent("Tests/DecodingTests/Fixtures/yolov8/downscale-default")
        let r = try Detectkit.run(
            [fixture.appendingPathComponent("image.png").path, fixture.appendingPathComponent("output.npy").path, out.path], program: "decode-example")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.split(separator: " ").first == "69", "\(r.stdout)")
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("decoded.png").path))
    }

    @Test func exampleRunsOnTheSamples() throws {
        let out = try TemporaryFile.directory()
        defer { try? FileManager.default.removeItem(at: out) }
        let r = try Detectkit.run([Self.root.appendingPathComponent("samples").path, out.path], program: "readme-example")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("annotated.jpg").path))
        // The last lines rank every method by AP on the samples (the merging methods, made for tiles, lowest).
        let n = SuppressionMethod.names.count
        let ranking = r.stdout.split(separator: "\n").suffix(n).compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }
        #expect(ranking.count == n && ranking.allSatisfy { $0 > 0.4 } && ranking.first! > 0.65, "\(r.stdout)")
    }
}
