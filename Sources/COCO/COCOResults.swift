import Boxes
import Foundation
import JSONScanning

/// A COCO results file: a JSON array of records `{"image_id", "category_id", "bbox": [x, y, w, h], "score"}`,
/// each optionally with `bbox_std` (σ of x1, y1, x2, y2 in pixels, for Softer-NMS) and an integer `model`
/// (for Weighted Boxes Fusion).
///
/// Reading keeps every record's bytes, so writing survivors back carries each field DetectKit does not use
/// (`id`, `segmentation`, anything) through unchanged, byte for byte; only `bbox` and `score` are rewritten,
/// and only when a method changed them.
public struct COCOResults: Sendable {
    /// Where the records came from, for messages (a path, or `-` for standard input).
    public let source: String
    /// The records as detections, in file order; `images` holds a dense key per distinct `image_id`.
    public let detections: Detections
    /// The distinct `image_id` values, in order of first appearance: `detections.images[i]` indexes this.
    public let imageIDs: [COCOImageID]
    /// Each record's `bbox` `[x, y, w, h]` as written, read in `Double` (``detections`` holds it in `Float`).
    public let writtenBoxes: [SIMD4<Double>]
    /// Each record's `score` as written, read in `Double`.
    public let writtenScores: [Double]
    private let bytes: [UInt8]
    private let records: [RawRecord]

    /// Byte ranges of one record: the whole object, and its `bbox` and `score` values.
    private struct RawRecord: Sendable {
        var object: Range<Int>
        var bbox: Range<Int>
        var score: Range<Int>
    }

    /// Number of records.
    public var count: Int { records.count }

    /// Reads a results file. Throws ``COCOResultsError`` naming the record and field when anything is wrong.
    public init(data: Data, source: String) throws {
        self.source = source
        var scanner = JSONScanner(data)
        func syntax(_ e: JSONScanner.SyntaxError) -> COCOResultsError {
            let (line, column) = scanner.location(e.offset)
            return COCOResultsError(source: source, record: nil, message: "not valid JSON at line \(line), column \(column): \(e.message)")
        }
        var parsed = ParsedRecords()
        do {
            scanner.skipWhitespace()
            guard !scanner.atEnd else { throw COCOResultsError(source: source, record: nil, message: "empty input; expected a JSON array of results") }
            guard scanner.bytes[scanner.position] == UInt8(ascii: "[") else {
                _ = try scanner.value()
                throw COCOResultsError(source: source, record: nil, message: "expected a JSON array of results")
            }
            try scanner.expect(UInt8(ascii: "["), "'['")
            if !scanner.consume(UInt8(ascii: "]")) {
                repeat {
                    let v = try scanner.value(depth: 1)
                    try parsed.add(v, scanner: scanner, source: source)
                } while scanner.consume(UInt8(ascii: ","))
                try scanner.expect(UInt8(ascii: "]"), "',' or ']'")
            }
            scanner.skipWhitespace()
            guard scanner.atEnd else { throw scanner.fail("unexpected data after the array") }
        } catch let e as JSONScanner.SyntaxError {
            throw syntax(e)
        }
        bytes = scanner.bytes
        records = parsed.raw
        imageIDs = parsed.imageOrder
        writtenBoxes = parsed.writtenBoxes
        writtenScores = parsed.writtenScores
        detections = try Detections(
            boxes: parsed.boxes, scores: parsed.scores, categories: parsed.categories, images: parsed.images,
            deviations: parsed.anyDeviation ? parsed.deviations : nil, models: parsed.anyModel ? parsed.models : nil)
    }

    /// Reads a results file from disk, or standard input for `-`.
    public init(contentsOf path: String) throws {
        let data: Data
        do {
            data = path == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw COCOResultsError(source: path, record: nil, message: "cannot read: \(error.localizedDescription)")
        }
        try self.init(data: data, source: path)
    }

    /// The survivors as a JSON array, one record per line, in the given order.
    public func encode(_ kept: [KeptDetection]) -> Data {
        var out: [UInt8] = [UInt8(ascii: "[")]
        out.reserveCapacity(kept.count * 96 + 4)
        for (k, d) in kept.enumerated() {
            out.append(contentsOf: k == 0 ? [0x0A] : [UInt8(ascii: ","), 0x0A])
            let r = records[d.index]
            var replacements: [(Range<Int>, String)] = []
            if d.box != detections.boxes[d.index] {
                let b = d.box
                replacements.append((r.bbox, JSONValue.array([b.x1, b.y1, b.x2 - b.x1, b.y2 - b.y1].map { .float($0) }).text))
            }
            if d.score != detections.scores[d.index] { replacements.append((r.score, JSONValue.float(d.score).text)) }
            replacements.sort { $0.0.lowerBound < $1.0.lowerBound }
            var at = r.object.lowerBound
            for (range, text) in replacements {
                out.append(contentsOf: bytes[at..<range.lowerBound])
                out.append(contentsOf: Array(text.utf8))
                at = range.upperBound
            }
            out.append(contentsOf: bytes[at..<r.object.upperBound])
        }
        out.append(contentsOf: kept.isEmpty ? [UInt8(ascii: "]"), 0x0A] : [0x0A, UInt8(ascii: "]"), 0x0A])
        return Data(out)
    }

    /// Records being read, as parallel arrays.
    private struct ParsedRecords {
        var raw: [RawRecord] = []
        var boxes = BoxArray()
        var scores: [Float] = []
        var writtenBoxes: [SIMD4<Double>] = []
        var writtenScores: [Double] = []
        var categories: [Int] = []
        var images: [Int] = []
        var deviations: [SIMD4<Float>] = []
        var models: [Int] = []
        var anyDeviation = false
        var anyModel = false
        var imageKeys: [COCOImageID: Int] = [:]
        var imageOrder: [COCOImageID] = []

        mutating func add(_ v: JSONScanner.Value, scanner: JSONScanner, source: String) throws {
            let index = raw.count
            func bad(_ message: String) -> COCOResultsError {
                COCOResultsError(
                    source: source, record: index, line: scanner.location(v.range.lowerBound).line, message: message)
            }
            guard v.kind == .object else { throw bad("expected an object, found \(v.kind)") }
            var fields: [String: JSONScanner.Value] = [:]
            for (key, value) in try scanner.members(v) where Self.known.contains(key) {
                guard fields[key] == nil else { throw bad("field \"\(key)\" appears twice") }
                fields[key] = value
            }
            func required(_ name: String) throws -> JSONScanner.Value {
                guard let f = fields[name] else { throw bad("missing field \"\(name)\"") }
                return f
            }
            func number(_ name: String, _ f: JSONScanner.Value) throws -> Double {
                guard f.kind == .number else { throw bad("field \"\(name)\" must be a number, found \(f.kind)") }
                let d = scanner.double(f)
                guard d.isFinite, Float(d).isFinite else { throw bad("field \"\(name)\" is out of range") }
                return d
            }
            func integer(_ name: String, _ f: JSONScanner.Value) throws -> Int {
                let d = try number(name, f)
                guard d == d.rounded(), abs(d) < 9.0e15 else { throw bad("field \"\(name)\" must be an integer") }
                return Int(d)
            }
            func quad(_ name: String, _ f: JSONScanner.Value) throws -> SIMD4<Double> {
                let items = f.kind == .array ? try scanner.elements(f) : []
                guard items.count == 4 else { throw bad("field \"\(name)\" must be an array of 4 numbers") }
                return SIMD4(
                    try number(name, items[0]), try number(name, items[1]), try number(name, items[2]),
                    try number(name, items[3]))
            }

            let image = try required("image_id")
            let key: COCOImageID
            switch image.kind {
            case .number: key = .number(try number("image_id", image))
            case .string: key = .text(try scanner.text(image))
            default: throw bad("field \"image_id\" must be a number or a string, found \(image.kind)")
            }
            let category = try integer("category_id", try required("category_id"))
            let bboxValue = try required("bbox")
            let b = try quad("bbox", bboxValue)
            guard b.z >= 0 && b.w >= 0 else { throw bad("bbox \([b.x, b.y, b.z, b.w]) has a negative width or height") }
            let scoreValue = try required("score")
            let score = try number("score", scoreValue)
            let x2 = Float(b.x + b.z), y2 = Float(b.y + b.w)
            guard x2.isFinite && y2.isFinite else { throw bad("field \"bbox\" is out of range") }
            var deviation = SIMD4<Float>(repeating: 1)
            if let f = fields["bbox_std"] {
                let s = try quad("bbox_std", f)
                guard s.min() > 0 else { throw bad("field \"bbox_std\" must be positive") }
                deviation = SIMD4<Float>(s)
                anyDeviation = true
            }
            var model = 0
            if let f = fields["model"] {
                model = try integer("model", f)
                anyModel = true
            }
            let imageIndex: Int
            if let k = imageKeys[key] {
                imageIndex = k
            } else {
                imageIndex = imageKeys.count
                imageKeys[key] = imageIndex
                imageOrder.append(key)
            }
            raw.append(RawRecord(object: v.range, bbox: bboxValue.range, score: scoreValue.range))
            boxes.append(Box(x1: Float(b.x), y1: Float(b.y), x2: x2, y2: y2))
            scores.append(Float(score))
            writtenBoxes.append(b)
            writtenScores.append(score)
            categories.append(category)
            images.append(imageIndex)
            deviations.append(deviation)
            models.append(model)
        }

        static let known: Set<String> = ["image_id", "category_id", "bbox", "score", "bbox_std", "model"]
    }
}

/// A COCO `image_id`: a number (compared by value, so `1` and `1.0` are one image) or a string.
public enum COCOImageID: Hashable, Sendable, CustomStringConvertible {
    /// A numeric id.
    case number(Double)
    /// A string id (often a file name).
    case text(String)

    /// The id an image file gets when no instances file names it: its name without extension as a number when it
    /// is one (`000139.jpg` → 139), else the file name (`street.jpg`). ``names(fileName:)`` holds for it.
    public init(imageFile path: String) {
        let name = path.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? path
        let stem = name.split(separator: ".", omittingEmptySubsequences: false).dropLast().joined(separator: ".")
        if let n = Int(stem.isEmpty ? name : stem) { self = .number(Double(n)) } else { self = .text(name) }
    }

    /// Whether this id names the image file `fileName`: a string equal to the file name with or without its
    /// extension, or a number equal to the name without extension read as a number (`000139.jpg` is 139).
    public func names(fileName: String) -> Bool {
        let stem = fileName.split(separator: ".", omittingEmptySubsequences: false).dropLast().joined(separator: ".")
        switch self {
        case .text(let t): return t == fileName || (!stem.isEmpty && t == stem)
        case .number(let v): return Double(stem.isEmpty ? fileName : stem) == v
        }
    }

    /// The id as a JSON value: an integer when it is one (below 10¹⁵), else the number, or the string.
    package var json: JSONValue {
        switch self {
        case .number(let v): return v == v.rounded() && abs(v) < 1e15 ? .int(Int(v)) : .double(v)
        case .text(let t): return .string(t)
        }
    }

    /// The id as written: `139` or `"a.png"` without quotes.
    public var description: String {
        switch self {
        case .number(let v): return v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)
        case .text(let t): return t
        }
    }
}

/// A problem with a COCO results file: which file, which record (0-based), and what.
public struct COCOResultsError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file (or `-`).
    public var source: String
    /// The record, when the problem is in one.
    public var record: Int?
    /// The line the record starts on.
    public var line: Int?
    /// What is wrong.
    public var message: String

    /// A problem with a results file.
    public init(source: String, record: Int?, line: Int? = nil, message: String) {
        self.source = source
        self.record = record
        self.line = line
        self.message = message
    }

    /// `FILE: record N (line L): message`.
    public var description: String {
        var s = source + ": "
        if let record { s += "record \(record)" + (line.map { " (line \($0))" } ?? "") + ": " }
        return s + message
    }
}
