import Boxes
import Foundation
import JSONScanning

/// A COCO results file: a JSON array of records `{"image_id", "category_id", "bbox": [x, y, w, h], "score"}`,
/// each optionally with `bbox_std` (σ of x1, y1, x2, y2 in pixels, for Softer-NMS) and an integer `model`
/// (for Weighted Boxes Fusion).
///
/// Oriented records carry `"rbox": [cx, cy, w, h, angle]` (radians, Ultralytics' xywhr; what Ultralytics' OBB
/// validation writes), with or without a `bbox`; when every record has one, ``detections`` are oriented
/// (`Detections.rotated`) and a record's `bbox`, if given, is the enclosing box written beside it.
///
/// Reading keeps every record's bytes, so writing survivors back carries each field DetectKit does not use
/// (`id`, `segmentation`, anything) through unchanged, byte for byte; only `bbox`, `rbox` and `score` are
/// rewritten, and only when a method changed them.
public struct COCOResults: Sendable {
    /// Where the records came from, for messages (a path, or `-` for standard input).
    public let source: String
    /// The records as detections, in file order; `images` holds a dense key per distinct `image_id`. Oriented when
    /// every record has an `rbox` (`boxes` then their enclosing boxes; ``detections(axisAligned:)`` gives the `bbox`).
    public let detections: Detections
    /// The distinct `image_id` values, in order of first appearance: `detections.images[i]` indexes this.
    public let imageIDs: [COCOImageID]
    /// Each record's `bbox` `[x, y, w, h]` as written, read in `Double` (``detections`` holds it in `Float`).
    public let writtenBoxes: [SIMD4<Double>]
    /// Each record's `score` as written, read in `Double`.
    public let writtenScores: [Double]
    /// The first record whose `rbox` is there when record 0's is not, or the reverse: then ``detections`` are not
    /// oriented, and a command that would treat them as oriented names this record. Nil when the records agree.
    public let orientationMismatch: Int?
    private let bytes: [UInt8]
    private let records: [RawRecord]
    /// Each record's `bbox` in `Float` (for a record with only an `rbox`, its enclosing box): ``detections``' boxes
    /// when they are not oriented.
    public let axisAlignedBoxes: BoxArray

    /// Byte ranges of one record: the whole object, and its `bbox` (when written), `rbox` (when written) and
    /// `score` values.
    private struct RawRecord: Sendable {
        var object: Range<Int>
        var bbox: Range<Int>?
        var rbox: Range<Int>?
        var score: Range<Int>
    }

    /// Number of records.
    public var count: Int { records.count }

    /// ``detections`` as a command uses them: axis-aligned (the records' `bbox`) when `axisAligned`, else oriented
    /// when every record has an `rbox`. Throws ``COCOResultsError`` naming the record when some records have an
    /// `rbox` and others not, unless `axisAligned`.
    public func detections(axisAligned: Bool) throws -> Detections {
        var d = detections
        if axisAligned {
            d.rotated = nil
            d.boxes = axisAlignedBoxes
        } else if let k = orientationMismatch {
            let line = bytes[..<records[k].object.lowerBound].reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
            throw COCOResultsError(
                source: source, record: k, line: line,
                message: (records[k].rbox != nil ? "has an \"rbox\", and the records before it have none"
                    : "has no \"rbox\", and the records before it have one")
                    + ": give every record an rbox or none (or use --axis-aligned for their bbox)")
        }
        return d
    }

    /// Reads a results file. Throws ``COCOResultsError`` naming the record and field when anything is wrong.
    public init(data: Data, source: String) throws {
        try self.init(scanner: JSONScanner(data), source: source)
    }

    private init(scanner: JSONScanner, source: String) throws {
        self.source = source
        var parsed = ParsedRecords()
        bytes = try Self.forEachRecord(in: scanner, source: source) { parsed.add($0) }
        records = parsed.raw
        imageIDs = parsed.imageKeys.ids
        writtenBoxes = parsed.writtenBoxes
        writtenScores = parsed.writtenScores
        orientationMismatch = parsed.orientationMismatch
        axisAlignedBoxes = parsed.boxes
        let rotated = parsed.orientationMismatch == nil && !parsed.rotated.isEmpty ? parsed.rotated : nil
        detections = try Detections(
            boxes: rotated.map { BoxArray($0.map(\.enclosingBox)) } ?? parsed.boxes, scores: parsed.scores,
            categories: parsed.categories, images: parsed.images, deviations: parsed.deviations, models: parsed.models,
            rotated: rotated)
    }

    /// Reads a results file from disk, or standard input for `-`.
    public init(contentsOf path: String) throws {
        try self.init(scanner: JSONScanner(bytes: try Self.contents(of: path)), source: path)
    }

    /// Reads the results file at `path` (standard input for `-`) as ``init(contentsOf:)`` does, in up to `parts`
    /// pieces on as many threads, without keeping its bytes: each piece's records are added in file order to a
    /// `Part` made by `newPart(n)` (`n`: the most records the piece's bytes could hold, for reserving room), and the
    /// parts come back in file order.
    ///
    /// A piece after the first starts at a guessed record boundary: the first `{` that follows `},` after an equal
    /// share of the bytes. It counts only when the piece before it, read from a boundary already known, ends exactly
    /// there; otherwise (the guess fell inside a string) that piece reads on to the end and the later ones are
    /// dropped. So the result, and the first error in file order, are those of one sequential read.
    package static func records<Part>(
        contentsOf path: String, parts: Int, newPart: @escaping @Sendable (Int) -> Part,
        add: @escaping @Sendable (inout Part, Record) -> Void
    ) throws -> [Part] {
        let scanner = JSONScanner(bytes: try contents(of: path))
        var reader = RecordReader(scanner: scanner, source: path)
        guard try openArray(&reader) else { return [newPart(0)] }
        // Piece k starts at starts[k] and stops where piece k + 1 starts.
        var guesses = [reader.scanner.position]
        let share = (scanner.end - guesses[0]) / max(parts, 1)
        if parts > 1 && share >= 1 << 20 {
            for k in 1..<parts {
                if let at = guessedBoundary(in: scanner, after: max(guesses[0] + k * share, guesses[k - 1] + 1)) { guesses.append(at) }
            }
        }
        let starts = guesses
        let pieces = starts.count
        nonisolated(unsafe) var outcomes = [Piece<Part>?](repeating: nil, count: pieces)
        let start = reader
        ConcurrentWork.run((0..<pieces).map { k in
            {
                var pieceReader = start
                pieceReader.scanner.position = starts[k]
                outcomes[k] = readPiece(&pieceReader, stop: k + 1 < pieces ? starts[k + 1] : nil, newPart: newPart, add: add)
            }
        })
        // Walk the chain of pieces that ended exactly where the next began.
        var out: [Part] = [], before = 0
        for k in 0..<pieces {
            guard let piece = outcomes[k] else { break }
            if var error = piece.error {
                if var e = error as? COCOResultsError, let record = e.record {
                    e.record = record + before
                    error = e
                }
                throw error
            }
            out.append(piece.part)
            before += piece.count
            guard piece.landed else { break }
        }
        return out
    }

    /// What reading one piece gave: its records, how many, whether it ended exactly where the next piece starts,
    /// and the error it stopped at (its record numbered from the piece's start).
    private struct Piece<Part> {
        var part: Part
        var count = 0
        var landed = false
        var error: (any Error)?
    }

    /// Reads records from the reader's position (a record's start) until the array's end, or until a record ends
    /// exactly at `stop` (then `landed`); a piece that steps over `stop` reads on to the end.
    private static func readPiece<Part>(
        _ reader: inout RecordReader, stop: Int?, newPart: (Int) -> Part, add: (inout Part, Record) -> Void
    ) -> Piece<Part> {
        // The shortest record, `{"image_id":1,"category_id":1,"bbox":[0,0,0,0],"score":0}`, takes 57 bytes.
        var piece = Piece(part: newPart(((stop ?? reader.scanner.end) - reader.scanner.position) / 57 + 1))
        var stop = stop
        let fields = RecordReader.Record<Field>(reader, naming: .results, keepOthers: false)
        do {
            repeat {
                try reader.read(into: fields, index: piece.count)
                add(&piece.part, try record(fields, end: reader.scanner.position))
                piece.count += 1
                guard try reader.scanner.nextElement() else {
                    try finish(&reader)
                    return piece
                }
                if let at = stop {
                    reader.scanner.skipWhitespace()
                    if reader.scanner.position == at {
                        piece.landed = true
                        return piece
                    }
                    if reader.scanner.position > at { stop = nil }
                }
            } while true
        } catch let e as JSONScanner.SyntaxError {
            piece.error = syntaxError(e, in: reader)
        } catch {
            piece.error = error
        }
        return piece
    }

    /// After the array: nothing but whitespace.
    private static func finish(_ reader: inout RecordReader) throws {
        reader.scanner.skipWhitespace()
        guard reader.scanner.atEnd else { throw reader.scanner.fail("unexpected data after the array") }
    }

    /// A syntax error as a ``COCOResultsError`` naming its line and column.
    private static func syntaxError(_ e: JSONScanner.SyntaxError, in reader: RecordReader) -> COCOResultsError {
        let (line, column) = reader.scanner.location(e.offset)
        return COCOResultsError(source: reader.source, record: nil, message: "not valid JSON at line \(line), column \(column): \(e.message)")
    }

    /// The first `{` at or after `offset` whose previous non-blank bytes are `}` and `,`: the start of a record,
    /// unless it lies inside a string.
    private static func guessedBoundary(in scanner: JSONScanner, after offset: Int) -> Int? {
        scanner.bytes.withUnsafeBufferPointer { p in
            func previous(_ at: Int) -> Int? {
                var k = at - 1
                while k >= 0, p[k] == 0x20 || p[k] == 0x0A || p[k] == 0x0D || p[k] == 0x09 { k -= 1 }
                return k >= 0 ? k : nil
            }
            var at = offset
            while at < scanner.end {
                if p[at] == UInt8(ascii: "{"), let comma = previous(at), p[comma] == UInt8(ascii: ","),
                    let close = previous(comma), p[close] == UInt8(ascii: "}")
                {
                    return at
                }
                at += 1
            }
            return nil
        }
    }

    /// The bytes of a results file, or of standard input for `-`.
    private static func contents(of path: String) throws -> [UInt8] {
        do {
            return path == "-" ? [UInt8](FileHandle.standardInput.readDataToEndOfFile()) : try JSONScanner.contents(ofFile: path)
        } catch {
            throw COCOResultsError(source: path, record: nil, message: "cannot read: \(error.localizedDescription)")
        }
    }

    /// One record of a results file, as read.
    package struct Record {
        /// `image_id`.
        package var imageID: COCOImageID
        /// `category_id`.
        package var category: Int
        /// `bbox` `[x, y, w, h]` as written, in `Double`; finite, with non-negative width and height, and its corners
        /// finite in `Float`. For a record with an `rbox` and no `bbox`, the rbox's enclosing box.
        package var bbox: SIMD4<Double>
        /// `rbox` `[cx, cy, w, h, angle]`, when given.
        package var rbox: RotatedBox?
        /// `score` as written, in `Double`, finite in `Float`.
        package var score: Double
        /// `bbox_std`, when given (positive).
        package var deviation: SIMD4<Double>?
        /// `model`, when given.
        package var model: Int?
        /// Where the whole record, its `bbox` value (when written), its `rbox` value (when written) and its `score`
        /// value lie in the file's bytes.
        package var object: Range<Int>, bboxText: Range<Int>?, rboxText: Range<Int>?, scoreText: Range<Int>
    }

    private enum Field: Int, RecordField {
        case imageID, categoryID, bbox, score, deviation, model, rbox
        static let names = ["image_id", "category_id", "bbox", "score", "bbox_std", "model", "rbox"]
    }

    /// Reads the JSON array of results in `scanner` in one pass, handing each record to `add` in file order, and
    /// returns the file's bytes. Throws ``COCOResultsError`` naming the record, its line and the field at fault.
    private static func forEachRecord(in scanner: JSONScanner, source: String, _ add: (Record) -> Void) throws -> [UInt8] {
        var reader = RecordReader(scanner: scanner, source: source)
        if try openArray(&reader) {
            let piece = readPiece(&reader, stop: nil, newPart: { _ in }, add: { _, r in add(r) })
            if let error = piece.error { throw error }
        }
        return reader.scanner.bytes
    }

    /// Checks that the document is an array and steps into it; false when the array is empty (and nothing follows).
    private static func openArray(_ reader: inout RecordReader) throws -> Bool {
        do {
            reader.scanner.skipWhitespace()
            guard !reader.scanner.atEnd else {
                throw COCOResultsError(source: reader.source, record: nil, message: "empty input; expected a JSON array of results")
            }
            guard reader.scanner.bytes[reader.scanner.position] == UInt8(ascii: "[") else {
                _ = try reader.scanner.value()
                throw COCOResultsError(source: reader.source, record: nil, message: "expected a JSON array of results")
            }
            if try reader.scanner.beginArray() { return true }
            try finish(&reader)
            return false
        } catch let e as JSONScanner.SyntaxError {
            throw syntaxError(e, in: reader)
        }
    }

    /// The record read into `r`, which ends at byte `end`.
    private static func record(_ r: RecordReader.Record<Field>, end: Int) throws -> Record {
        let imageID = try r.imageID(.imageID)
        let category = try r.integer(.categoryID)
        let rbox = try r.rotatedBox(.rbox)
        let bboxValue = rbox == nil ? try r.required(.bbox) : r[.bbox]
        let b: SIMD4<Double>
        if bboxValue != nil {
            b = try r.box(.bbox)
            guard Float(b.x + b.z).isFinite && Float(b.y + b.w).isFinite else { throw r.error("field \"bbox\" is out of range") }
        } else {
            let e = rbox?.enclosingBox ?? Box(x1: 0, y1: 0, x2: 0, y2: 0)
            b = SIMD4(Double(e.x1), Double(e.y1), Double(e.x2) - Double(e.x1), Double(e.y2) - Double(e.y1))
        }
        let scoreValue = try r.required(.score)
        let score = try r.number(.score, scoreValue)
        var deviation: SIMD4<Double>?
        if let v = r.values[Field.deviation.rawValue] {
            let s = try r.quad(.deviation, v)
            guard s.min() > 0 else { throw r.error("field \"bbox_std\" must be positive") }
            deviation = s
        }
        let model = try r.values[Field.model.rawValue].map { try r.integer(.model, $0) }
        return Record(
            imageID: imageID, category: category, bbox: b, rbox: rbox, score: score, deviation: deviation, model: model,
            object: r.offset..<end, bboxText: bboxValue?.range, rboxText: rbox == nil ? nil : r[.rbox]?.range,
            scoreText: scoreValue.range)
    }

    /// The survivors as a JSON array, one record per line, in the given order.
    public func encode(_ kept: [KeptDetection]) -> Data {
        var out: [UInt8] = [UInt8(ascii: "[")]
        out.reserveCapacity(kept.count * 96 + 4)
        for (k, d) in kept.enumerated() {
            out.append(contentsOf: k == 0 ? [0x0A] : [UInt8(ascii: ","), 0x0A])
            let r = records[d.index]
            var replacements: [(Range<Int>, String)] = []
            // An oriented survivor's bbox changes with its rbox; an axis-aligned one's when its box does.
            let changed = d.rotated.map { $0 != detections.rotated?[d.index] } ?? (d.box != axisAlignedBoxes[d.index])
            if changed {
                let b = d.box, text = JSONValue.array([b.x1, b.y1, b.x2 - b.x1, b.y2 - b.y1].map { .float($0) }).text
                // An axis-aligned survivor of a record written with an rbox alone gets its new bbox added at the end.
                let end = r.object.upperBound - 1
                if let range = r.bbox {
                    replacements.append((range, text))
                } else if d.rotated == nil {
                    replacements.append((end..<end, ", \"bbox\": " + text))
                }
            }
            // An oriented survivor's new rbox; an axis-aligned survivor's new box replaces its record's rbox too, at
            // angle 0, so that the record never carries a stale one.
            if changed, let range = r.rbox {
                let o = d.rotated ?? RotatedBox(d.box)
                replacements.append((range, JSONValue.array([o.cx, o.cy, o.width, o.height, o.angle].map { .float($0) }).text))
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
        /// `bbox_std` and `model` of every record so far, once one record has them (earlier ones get 1 and 0).
        var deviations: [SIMD4<Float>]?
        var models: [Int]?
        var imageKeys = ImageKeys()
        /// The `rbox` of every record, while each so far has one.
        var rotated: [RotatedBox] = []
        var orientationMismatch: Int?

        mutating func add(_ r: Record) {
            let imageIndex = imageKeys.key(for: r.imageID)
            if let s = r.deviation {
                if deviations == nil { deviations = Array(repeating: SIMD4(repeating: 1), count: raw.count) }
                deviations!.append(SIMD4<Float>(s))
            } else {
                deviations?.append(SIMD4(repeating: 1))
            }
            if let m = r.model {
                if models == nil { models = Array(repeating: 0, count: raw.count) }
                models!.append(m)
            } else {
                models?.append(0)
            }
            if orientationMismatch == nil {
                let earlierOriented = raw.isEmpty ? r.rbox != nil : !rotated.isEmpty
                if (r.rbox != nil) != earlierOriented {
                    orientationMismatch = raw.count
                } else if let o = r.rbox {
                    rotated.append(o)
                }
            }
            let b = r.bbox
            raw.append(RawRecord(object: r.object, bbox: r.bboxText, rbox: r.rboxText, score: r.scoreText))
            boxes.append(Box(x1: Float(b.x), y1: Float(b.y), x2: Float(b.x + b.z), y2: Float(b.y + b.w)))
            scores.append(Float(r.score))
            writtenBoxes.append(b)
            writtenScores.append(r.score)
            categories.append(r.category)
            images.append(imageIndex)
        }
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
