import Foundation
import JSONScanning
import NeuralCore

/// CLIP's byte-level BPE tokenizer (Radford et al. 2021, "Learning Transferable Visual Models From Natural
/// Language Supervision"; openai/CLIP `simple_tokenizer.py`), giving the same ids as open_clip's
/// `SimpleTokenizer` and Hugging Face's `CLIPTokenizer`.
///
/// Text is cleaned as open_clip cleans it (`TextCleaning`: ftfy's fixes for valid text, HTML entities
/// decoded, whitespace collapsed, lower-cased), split into words by CLIP's pattern (`Pretokenization`), and
/// each word's UTF-8 bytes are merged by BPE with CLIP's 48,894 ranked merges into ids of its 49,408-entry
/// vocabulary (`BytePairMerges`). `<|startoftext|>` (49406) and `<|endoftext|>` (49407) frame a sequence.
///
/// Where it differs from open_clip: ftfy's repair of mojibake (`cafÃ©`) is not reproduced; text that holds
/// `<|startoftext|>` or `<|endoftext|>` gives their ids, as in openai/CLIP (open_clip renamed its special tokens
/// `<start_of_text>`/`<end_of_text>`); and characters assigned after Unicode 14 (Python 3.11's tables) follow
/// Swift's tables. Hugging Face's tokenizers differ from open_clip themselves: neither decodes HTML entities,
/// and the fast one runs no ftfy.
///
/// A value type, safe to share between threads; copies share one cache of merged words.
public struct CLIPTokenizer: Sendable {
    /// The id of `<|startoftext|>`, which starts every tokenised sequence (49406 in CLIP's vocabulary).
    public let startOfText: Int
    /// The id of `<|endoftext|>`, which ends every tokenised sequence (49407 in CLIP's vocabulary); the text
    /// tower reads its output at this token.
    public let endOfText: Int

    private let byteIDs: [Int32]
    private let byteEndIDs: [Int32]
    private let merges: BytePairMerges
    private let tokenBytes: [[UInt8]?]
    private let cache = BytePairCache()

    /// Number of ids the vocabulary spans (49,408 for CLIP).
    public var vocabularySize: Int { tokenBytes.count }

    /// Reads a Hugging Face CLIP tokenizer: `vocab.json` (token to id) and `merges.txt` (an optional
    /// `#version` line, then one merge `a b` per line, best first).
    ///
    /// Throws `ModelError/file(_:_:)` naming the file when it cannot be read, is not a JSON object giving its
    /// tokens the ids 0..<count once each, lacks a byte-level token or a special token, or holds a malformed or
    /// repeated merge or one whose parts or result are not in the vocabulary.
    public init(vocabularyFile: String, mergesFile: String) throws {
        let vocabulary = try Self.readVocabulary(vocabularyFile)
        var idOf: [[UInt8]: Int32] = [:]
        idOf.reserveCapacity(vocabulary.count)
        var maxID: Int32 = -1
        for (token, id) in vocabulary {
            idOf[token] = id
            maxID = max(maxID, id)
        }
        var tokenBytes = [[UInt8]?](repeating: nil, count: Int(maxID) + 1)
        for (token, id) in vocabulary {
            var bytes: [UInt8] = []
            for c in String(decoding: token, as: UTF8.self).unicodeScalars {
                if let b = ByteLevelEncoding.byte(for: c) { bytes.append(b) } else { UTF8.encode(c) { bytes.append($0) } }
            }
            tokenBytes[Int(id)] = bytes
        }
        var byteIDs: [Int32] = []
        var byteEndIDs: [Int32] = []
        for c in ByteLevelEncoding.characters {
            let token = Array(String(c).utf8)
            guard let id = idOf[token], let endID = idOf[token + Array("</w>".utf8)] else {
                throw ModelError.file(vocabularyFile, "missing the byte-level token \"\(c)\" or \"\(c)</w>\"")
            }
            byteIDs.append(id)
            byteEndIDs.append(endID)
        }
        guard let sot = idOf[Array("<|startoftext|>".utf8)], let eot = idOf[Array("<|endoftext|>".utf8)] else {
            throw ModelError.file(vocabularyFile, "missing the special token <|startoftext|> or <|endoftext|>")
        }
        self.byteIDs = byteIDs
        self.byteEndIDs = byteEndIDs
        self.tokenBytes = tokenBytes
        self.startOfText = Int(sot)
        self.endOfText = Int(eot)
        self.merges = try Self.readMerges(mergesFile, idOf: idOf)
    }

    private static func readFile(_ path: String) throws -> Data {
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ModelError.file(path, "cannot read: \(error.localizedDescription)")
        }
    }

    /// `vocab.json`'s entries as (UTF-8 bytes of the token, id).
    private static func readVocabulary(_ path: String) throws -> [([UInt8], Int32)] {
        var scanner = JSONScanner(try readFile(path))
        let members: [(key: String, value: JSONScanner.Value)]
        do {
            let root = try scanner.value()
            scanner.skipWhitespace()
            guard scanner.atEnd else { throw scanner.fail("unexpected text after the JSON value") }
            guard root.kind == .object else { throw ModelError.file(path, "expected a JSON object of token: id") }
            members = try scanner.members(root)
        } catch let error as JSONScanner.SyntaxError {
            let (line, column) = scanner.location(error.offset)
            throw ModelError.file(path, "not valid JSON at line \(line), column \(column): \(error.message)")
        } catch let error as ModelError {
            throw error
        } catch {
            throw ModelError.file(path, "not valid JSON: \(error)")
        }
        guard !members.isEmpty else { throw ModelError.file(path, "the vocabulary is empty") }
        var seenTokens = Set<[UInt8]>()
        var tokenOfID: [Int32: String] = [:]
        var out: [([UInt8], Int32)] = []
        out.reserveCapacity(members.count)
        for (key, value) in members {
            let number = value.kind == .number ? scanner.double(value) : -1
            guard number >= 0, number < Double(Int32.max), number.rounded() == number else {
                throw ModelError.file(path, "token \"\(key)\": expected a non-negative integer id")
            }
            guard number < Double(members.count) else {
                throw ModelError.file(path, "token \"\(key)\": id \(Int(number)) is outside 0..<\(members.count), the number of tokens")
            }
            let id = Int32(number)
            let token = Array(key.utf8)
            guard seenTokens.insert(token).inserted else { throw ModelError.file(path, "token \"\(key)\" appears twice") }
            if let other = tokenOfID.updateValue(key, forKey: id) {
                throw ModelError.file(path, "id \(id) is given to both \"\(other)\" and \"\(key)\"")
            }
            out.append((token, id))
        }
        return out
    }

    /// `merges.txt`: rank i for the i-th merge line.
    private static func readMerges(_ path: String, idOf: [[UInt8]: Int32]) throws -> BytePairMerges {
        let data = try readFile(path)
        var table: [UInt64: UInt64] = [:]
        table.reserveCapacity(data.count / 10)
        var lines = data.split(separator: 0x0A, omittingEmptySubsequences: false)
        var lineNumber = 0
        if let first = lines.first, first.starts(with: Array("#version".utf8)) {
            lines.removeFirst()
            lineNumber = 1
        }
        var rank = 0
        for var line in lines {
            lineNumber += 1
            if line.last == 0x0D { line = line.dropLast() }
            if line.isEmpty { continue }
            let parts = line.split(separator: 0x20, omittingEmptySubsequences: false)
            let text = String(decoding: line, as: UTF8.self)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw ModelError.file(path, "line \(lineNumber): expected two symbols separated by one space, got \"\(text)\"")
            }
            let a = Array(parts[0]), b = Array(parts[1])
            guard let left = idOf[a], let right = idOf[b], let merged = idOf[a + b] else {
                throw ModelError.file(path, "line \(lineNumber): \"\(text)\" merges symbols that are not in the vocabulary")
            }
            let key = BytePairMerges.key(left, right)
            guard table[key] == nil else { throw ModelError.file(path, "line \(lineNumber): \"\(text)\" repeats an earlier merge") }
            table[key] = BytePairMerges.value(rank: rank, merged: merged)
            rank += 1
        }
        guard rank > 0 else { throw ModelError.file(path, "no merges") }
        return BytePairMerges(merges: table)
    }

    private static let bundledTokenizer: Result<CLIPTokenizer, ModelError> = {
        guard let vocabulary = Bundle.module.url(forResource: "vocab", withExtension: "json", subdirectory: "Resources/tokenizer"),
            let merges = Bundle.module.url(forResource: "merges", withExtension: "txt", subdirectory: "Resources/tokenizer")
        else {
            return .failure(ModelError.file("Resources/tokenizer", "the CLIP module's bundled vocab.json or merges.txt is missing"))
        }
        do {
            return .success(try CLIPTokenizer(vocabularyFile: vocabulary.path, mergesFile: merges.path))
        } catch let error as ModelError {
            return .failure(error)
        } catch {
            return .failure(ModelError.file(vocabulary.path, "\(error)"))
        }
    }()

    /// OpenAI CLIP's tokenizer (`bpe_simple_vocab_16e6`, as Hugging Face's `openai/clip-vit-*` repositories
    /// hold it), bundled with the CLIP module; read once, then shared.
    public static func bundled() throws -> CLIPTokenizer {
        try bundledTokenizer.get()
    }

    /// The tokenizer of a model folder: its `vocab.json` and `merges.txt` when it has both, else ``bundled()``
    /// (CLIP's own, which DetectKit's bundled model uses).
    public static func forModel(in directory: String) throws -> CLIPTokenizer {
        let vocabulary = (directory as NSString).appendingPathComponent("vocab.json")
        let merges = (directory as NSString).appendingPathComponent("merges.txt")
        guard FileManager.default.fileExists(atPath: vocabulary) && FileManager.default.fileExists(atPath: merges) else {
            return try bundled()
        }
        return try CLIPTokenizer(vocabularyFile: vocabulary, mergesFile: merges)
    }

    /// The ids of `text`, without the start and end tokens: open_clip's `SimpleTokenizer.encode`.
    public func encode(_ text: String) -> [Int] {
        let cleaned = TextCleaning.clean(text)
        var ids: [Int] = []
        ids.reserveCapacity(cleaned.count / 3 + 1)
        var bytes: [UInt8] = []
        Pretokenization.forEachPiece(in: cleaned) { piece in
            switch piece {
            case .startOfText:
                ids.append(startOfText)
            case .endOfText:
                ids.append(endOfText)
            case .word(let range):
                bytes.removeAll(keepingCapacity: true)
                for c in cleaned[range] { UTF8.encode(c) { bytes.append($0) } }
                for id in word(bytes) { ids.append(Int(id)) }
            }
        }
        return ids
    }

    /// The merged ids of one word's bytes (through the cache).
    private func word(_ bytes: [UInt8]) -> [Int32] {
        if let cached = cache.value(for: bytes) { return cached }
        var symbols = bytes.dropLast().map { byteIDs[Int($0)] }
        symbols.append(byteEndIDs[Int(bytes[bytes.count - 1])])
        merges.apply(&symbols)
        cache.store(symbols, for: bytes)
        return symbols
    }

    /// The model's input for `text`: ``startOfText``, the ids of ``encode(_:)``, ``endOfText`` (not padded).
    ///
    /// When that is longer than `contextLength` and `truncate` is true, it is cut to `contextLength` ids with
    /// ``endOfText`` last, as open_clip's `tokenize` does; when `truncate` is false, that throws
    /// `ModelError/input(_:)` giving the length. A `contextLength` under 2 also throws.
    public func tokenize(_ text: String, contextLength: Int = 77, truncate: Bool = true) throws -> [Int] {
        guard contextLength >= 2 else {
            throw ModelError.input("context length \(contextLength) is too short: it must hold the start and end tokens")
        }
        var ids = [startOfText]
        ids += encode(text)
        ids.append(endOfText)
        if ids.count > contextLength {
            guard truncate else {
                throw ModelError.input(
                    "text is \(ids.count) tokens long with the start and end tokens, more than the context length \(contextLength)")
            }
            ids.removeLast(ids.count - contextLength)
            ids[contextLength - 1] = endOfText
        }
        return ids
    }

    /// The text of `ids`, as open_clip's `SimpleTokenizer.decode` gives it: the tokens' bytes as UTF-8 (invalid
    /// sequences as U+FFFD) with each end-of-word mark `</w>` as a space, so `a photo.` comes back as
    /// `a photo . `. Special tokens come back as their text; ids outside the vocabulary are skipped.
    public func decode(_ ids: [Int]) -> String {
        var bytes: [UInt8] = []
        for id in ids where id >= 0 && id < tokenBytes.count {
            if let b = tokenBytes[id] { bytes += b }
        }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if bytes[i] == 0x3C, i + 3 < bytes.count, bytes[i + 1] == 0x2F, bytes[i + 2] == 0x77, bytes[i + 3] == 0x3E {
                out.append(0x20)
                i += 4
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
