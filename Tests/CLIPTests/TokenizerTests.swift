import CLIP
import Dispatch
import Foundation
import NeuralCore
import Testing

/// CLIP's BPE tokenizer against open_clip's `SimpleTokenizer` and Hugging Face's `CLIPTokenizer` (fixture by
/// training/golden_clip_tokenizer.py).
@Suite struct TokenizerTests {
    struct Fixture: Decodable {
        struct Case: Decodable {
            var text: String
            var ids: [Int]
            var differs: [String: [String]]?
        }
        var cases: [Case]
    }

    static func fixture() throws -> Fixture {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/tokenizer/cases", withExtension: "json"))
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }

    @Test func everyFixtureStringGivesTheReferenceIDs() throws {
        let tokenizer = try CLIPTokenizer.bundled()
        let fixture = try Self.fixture()
        #expect(fixture.cases.count >= 1000)
        var failures: [String] = []
        for c in fixture.cases {
            let ids = tokenizer.encode(c.text)
            if ids != c.ids {
                failures.append("\(c.text.unicodeScalars.map { String($0.value, radix: 16) }): \(ids) != \(c.ids)")
            }
            // Where open_clip differs, only for the two documented reasons.
            let reasons = Set(c.differs?["open_clip"] ?? [])
            #expect(reasons.isSubset(of: ["ftfy-encoding", "special-token-text"]), "\(c.text)")
        }
        print("fixture cases checked: \(fixture.cases.count), failures \(failures.count)")
        #expect(failures.isEmpty, "\(failures.count) of \(fixture.cases.count) differ: \(failures.prefix(10))")
        let agreeing = fixture.cases.filter { $0.differs?["open_clip"] == nil }.count
        #expect(agreeing >= fixture.cases.count - 30)
    }

    @Test func startAndEndTokens() throws {
        let tokenizer = try CLIPTokenizer.bundled()
        #expect(tokenizer.startOfText == 49406 && tokenizer.endOfText == 49407 && tokenizer.vocabularySize == 49408)
        #expect(tokenizer.encode("a photo of a cat") == [320, 1125, 539, 320, 2368])
        #expect(try tokenizer.tokenize("a photo of a cat") == [49406, 320, 1125, 539, 320, 2368, 49407])
        #expect(try tokenizer.tokenize("") == [49406, 49407])
        #expect(try tokenizer.tokenize("  \t\n ") == [49406, 49407])
        #expect(tokenizer.encode("<|endoftext|>") == [49407])
    }

    @Test func truncationKeepsTheEndToken() throws {
        let tokenizer = try CLIPTokenizer.bundled()
        let text = String(repeating: "word ", count: 100)
        let ids = try tokenizer.tokenize(text)
        #expect(ids.count == 77 && ids.first == 49406 && ids.last == 49407)
        #expect(ids[1..<76].allSatisfy { $0 == 2653 })
        let exact = String(repeating: "word ", count: 75)  // 75 + 2 = 77: not cut
        #expect(try tokenizer.tokenize(exact, truncate: false).count == 77)
        let short = try tokenizer.tokenize(text, contextLength: 5)
        #expect(short == [49406, 2653, 2653, 2653, 49407])
    }

    @Test func overlongTextWithoutTruncationThrows() throws {
        let tokenizer = try CLIPTokenizer.bundled()
        let text = String(repeating: "word ", count: 76)
        #expect {
            try tokenizer.tokenize(text, truncate: false)
        } throws: { error in
            guard case ModelError.input(let message) = error else { return false }
            return message.contains("78 tokens") && message.contains("77")
        }
        #expect(throws: ModelError.self) { try tokenizer.tokenize("a", contextLength: 1) }
    }

    @Test func decodeRoundTripsASCIIText() throws {
        let tokenizer = try CLIPTokenizer.bundled()
        #expect(tokenizer.decode(tokenizer.encode("A photo of a cat, isn't it?")) == "a photo of a cat , isn 't it ? ")
        #expect(tokenizer.decode([49406, 320, 2368, 49407]) == "<|startoftext|>a cat <|endoftext|>")
        #expect(tokenizer.decode([-1, 320, 1_000_000]) == "a ")
        let printable = String(String.UnicodeScalarView((0x21...0x7E).compactMap(Unicode.Scalar.init)))
        let texts = try Self.fixture().cases.map(\.text).filter {
            $0.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F } && !$0.contains("&") && !$0.contains("<|")
        } + [printable, "The Quick Brown Fox (2021) jumps -- over 3.14 lazy dogs!!!"]
        #expect(texts.count > 300)
        for text in texts {
            let decoded = tokenizer.decode(tokenizer.encode(text))
            let expected = text.lowercased().split(whereSeparator: \.isWhitespace).joined()
            #expect(decoded.split(whereSeparator: \.isWhitespace).joined() == expected, "\(text)")
            #expect(tokenizer.encode(decoded) == tokenizer.encode(text), "\(text)")
        }
    }

    @Test func nonASCIIDecodes() throws {
        let tokenizer = try CLIPTokenizer.bundled()
        #expect(tokenizer.decode(tokenizer.encode("Café ΟΔΟΣ 日本語 👍")) == "café οδος 日本語 👍 ")
        #expect(tokenizer.decode(tokenizer.encode("“ﬁsh” &amp; ＣＨＩＰＳ")) == "\" fish \" & chips ")
    }

    @Test func concurrentUseGivesTheSameIDs() async throws {
        let tokenizer = try CLIPTokenizer.bundled()
        let texts = try Self.fixture().cases.prefix(400).map(\.text)
        let expected = texts.map { tokenizer.encode($0) }
        let fresh = tokenizer
        let results = await withTaskGroup(of: (Int, [[Int]]).self) { group in
            for worker in 0..<4 {
                group.addTask {
                    (worker, texts.map { fresh.encode($0) })
                }
            }
            var all: [[[Int]]] = []
            for await (_, r) in group { all.append(r) }
            return all
        }
        #expect(results.count == 4 && results.allSatisfy { $0 == expected })
    }

    @Test func tenThousandCaptionsTokeniseQuickly() throws {
        let tokenizer = try CLIPTokenizer.bundled()
        let subjects = ["cat", "dog", "person", "car", "tree", "horse", "bicycle", "pizza", "boat", "bird", "laptop",
                        "giraffe", "umbrella", "traffic light", "teddy bear", "skateboard", "kitchen", "beach"]
        let styles = ["a photo of a", "a blurry photo of the", "a drawing of a", "an origami", "a close-up photo of a",
                      "a black and white photo of the", "a painting of my", "itap of a", "a 3D render of a"]
        let places = ["", " on the street", " in the snow", " at night", " next to a red car", " in Paris, 1998",
                      " (cropped)", " -- vintage!", " on a table"]
        var captions: [String] = []
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for i in 0..<10_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let r = Int(state >> 33)
            captions.append("\(styles[r % styles.count]) \(subjects[(r / 7) % subjects.count])\(places[(r / 101) % places.count]) #\(i % 97)")
        }
        let start = DispatchTime.now().uptimeNanoseconds
        var total = 0
        for c in captions { total += try tokenizer.tokenize(c).count }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        print("tokenised 10,000 captions (\(total) tokens) in \(String(format: "%.3f", seconds)) s")
        #expect(total > 10_000 * 5)
        #expect(seconds < 10)  // well under a second in release; generous for debug builds and busy machines
    }

    // MARK: bad files

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("clip-tokenizer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func bundledFile(_ name: String, _ ext: String) -> String {
        // The test bundle cannot reach the CLIP module's bundle; the package layout can.
        let here = URL(fileURLWithPath: #filePath)
        let root = here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent("Sources/CLIP/Resources/tokenizer/\(name).\(ext)").path
    }

    @Test func filesLoadLikeTheBundledTokenizer() throws {
        let vocab = Self.bundledFile("vocab", "json"), merges = Self.bundledFile("merges", "txt")
        guard FileManager.default.fileExists(atPath: vocab) else { return }  // sources not beside the tests
        let tokenizer = try CLIPTokenizer(vocabularyFile: vocab, mergesFile: merges)
        let text = "A photo of TWO dogs, playing in the snow!"
        #expect(tokenizer.encode(text) == (try CLIPTokenizer.bundled()).encode(text))
    }

    @Test func badFilesAreNamed() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        func write(_ name: String, _ text: String) throws -> String {
            let path = dir.appendingPathComponent(name).path
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            return path
        }
        // A tiny but complete vocabulary: the byte-level alphabet, its end-of-word forms, one merge, specials.
        let alphabet = (0..<256).map { byteLevel($0) }
        var entries = alphabet.map { "\"\(jsonEscaped($0))\"" } + alphabet.map { "\"\(jsonEscaped($0))</w>\"" }
        entries += ["\"ab\"", "\"<|startoftext|>\"", "\"<|endoftext|>\""]
        let vocabText = "{" + entries.enumerated().map { "\($0.element): \($0.offset)" }.joined(separator: ", ") + "}"
        let vocab = try write("vocab.json", vocabText)
        let merges = try write("merges.txt", "#version: 0.2\na b\n")
        let tiny = try CLIPTokenizer(vocabularyFile: vocab, mergesFile: merges)
        // "ab" is [a, b</w>] (no merge for the end-of-word form); "abc" merges a and b.
        #expect(tiny.encode("ab abc") == [97, 256 + 98, 512, 256 + 99])
        #expect(tiny.startOfText == 513 && tiny.endOfText == 514)

        let missing = dir.appendingPathComponent("nope.json").path
        let cases: [(String, String, String, String)] = [
            (missing, merges, missing, "cannot read"),
            (vocab, missing, missing, "cannot read"),
            (try write("bad.json", "{\"a\": 1,"), merges, "bad.json", "not valid JSON"),
            (try write("list.json", "[1, 2]"), merges, "list.json", "expected a JSON object"),
            (try write("float.json", "{\"a\": 1.5}"), merges, "float.json", "non-negative integer id"),
            (try write("small.json", "{\"a\": 0, \"b\": 1}"), merges, "small.json", "byte-level token"),
            (try write("sparse.json", "{\"a\": 0, \"b\": 2000000000}"), merges, "sparse.json", "outside 0..<2"),
            (try write("nospecial.json", "{" + entries.dropLast(2).enumerated().map { "\($0.element): \($0.offset)" }
                .joined(separator: ", ") + "}"), merges, "nospecial.json", "special token"),
            (try write("twice.json", vocabText.replacingOccurrences(of: ": 514}", with: ": 513}")), merges, "twice.json", "id 513"),
            (vocab, try write("three.txt", "#version: 0.2\na b c\n"), "three.txt", "line 2"),
            (vocab, try write("unknown.txt", "#version: 0.2\na b\nab c\n"), "unknown.txt", "line 3"),
            (vocab, try write("repeat.txt", "a b\na b\n"), "repeat.txt", "repeats"),
            (vocab, try write("empty.txt", "#version: 0.2\n"), "empty.txt", "no merges"),
        ]
        for (v, m, file, message) in cases {
            do {
                _ = try CLIPTokenizer(vocabularyFile: v, mergesFile: m)
                Issue.record("accepted \(file)")
            } catch let error as ModelError {
                guard case .file(let path, _) = error else {
                    Issue.record("\(error)")
                    continue
                }
                #expect(path.hasSuffix(file), "\(error)")
                #expect("\(error)".contains(message), "\(error)")
            }
        }
    }
}

/// The byte-level character of `byte` (GPT-2's `bytes_to_unicode`).
private func byteLevel(_ byte: Int) -> String {
    let printable = (0x21...0x7E).contains(byte) || (0xA1...0xAC).contains(byte) || (0xAE...0xFF).contains(byte)
    if printable { return String(Unicode.Scalar(UInt8(byte))) }
    let rank = (0..<byte).filter { !((0x21...0x7E).contains($0) || (0xA1...0xAC).contains($0) || (0xAE...0xFF).contains($0)) }.count
    return String(Unicode.Scalar(UInt32(256 + rank))!)
}

private func jsonEscaped(_ s: String) -> String {
    s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
}
