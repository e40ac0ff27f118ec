import Boxes
import Foundation

/// A DOTA label file (DOTA v1.0/v1.5/v2.0, `labelTxt`): optional `imagesource:` and `gsd:` header lines, then one
/// object per line, `x1 y1 x2 y2 x3 y3 x4 y4 category difficult`: the corners of its quadrilateral in pixels, its
/// category name and whether it is hard (0 or 1; DOTA's devkit reads a missing one as 0).
///
/// Each quadrilateral becomes an oriented box, the smallest rectangle holding it in Ultralytics' label form
/// (`RotatedBox(minimumAreaRectangleOf:)`: the `xyxyxyxy2xywhr` of its DOTA-to-YOLO conversion). Fields are separated
/// by any white space; CRLF line ends and blank lines are fine. A quadrilateral that is not convex, crosses itself
/// (a bow-tie: two corners swapped) or is degenerate (three corners on a line, a repeated corner), a value that is
/// not a finite number, and a line of fewer than 9 or more than 10 fields are ``DOTAError``s naming the file and
/// the line (Ultralytics' converter takes such quadrilaterals silently, as the rectangle of their hull).
public struct DOTALabels: Sendable, Equatable {
    /// One object.
    public struct Object: Sendable, Equatable {
        /// The quadrilateral's corners, as written.
        public var corners: [SIMD2<Double>]
        /// Its category name, e.g. `small-vehicle`.
        public var category: String
        /// Whether it is marked difficult.
        public var difficult: Bool
        /// The smallest rectangle holding the corners.
        public var rbox: RotatedBox
        /// Its line in the file, from 1.
        public var line: Int

        /// An object; `rbox` is the smallest rectangle holding `corners`, which must be a convex quadrilateral.
        public init(corners: [SIMD2<Double>], category: String, difficult: Bool, line: Int = 0) throws {
            if let problem = Self.problem(with: corners) {
                throw DOTAError(source: "", line: line, message: problem)
            }
            guard let rbox = RotatedBox(minimumAreaRectangleOf: corners) else {
                throw DOTAError(source: "", line: line, message: "the quadrilateral spans no area")
            }
            self.corners = corners
            self.category = category
            self.difficult = difficult
            self.rbox = rbox
            self.line = line
        }

        /// Why four corners are not a convex quadrilateral, or nil: the turns at its corners (cross products of
        /// consecutive edges) must all have one sign; two of each is a bow-tie, one odd turn a dent, a zero turn
        /// three corners on a line.
        static func problem(with c: [SIMD2<Double>]) -> String? {
            guard c.count == 4 else { return "expected 4 corners, found \(c.count)" }
            guard c.allSatisfy({ $0.x.isFinite && $0.y.isFinite }) else { return "a corner is not finite" }
            let turns = (0..<4).map { i -> Double in
                let a = c[(i + 1) % 4] - c[i], b = c[(i + 2) % 4] - c[(i + 1) % 4]
                return a.x * b.y - a.y * b.x
            }
            if turns.contains(0) { return "the quadrilateral is degenerate (three corners on a line, or a corner repeated)" }
            switch turns.filter({ $0 > 0 }).count {
            case 0, 4: return nil
            case 2: return "the quadrilateral crosses itself (a bow-tie: corners out of order)"
            default: return "the quadrilateral is not convex"
            }
        }
    }

    /// The `imagesource:` header, when there is one.
    public var imageSource: String?
    /// The `gsd:` header (ground sample distance, as written; DOTA writes `null` when unknown), when there is one.
    public var gsd: String?
    /// The objects, in file order.
    public var objects: [Object]

    /// Labels from their parts.
    public init(imageSource: String? = nil, gsd: String? = nil, objects: [Object]) {
        self.imageSource = imageSource
        self.gsd = gsd
        self.objects = objects
    }

    /// Parses a label file's text; `source` names it in errors.
    public init(text: String, source: String) throws {
        objects = []
        for (index, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = index + 1
            let content = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !content.isEmpty else { continue }
            if objects.isEmpty, content.hasPrefix("imagesource:") {
                imageSource = String(content.dropFirst("imagesource:".count))
                continue
            }
            if objects.isEmpty, content.hasPrefix("gsd:") {
                gsd = String(content.dropFirst("gsd:".count))
                continue
            }
            let fields = content.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard fields.count == 9 || fields.count == 10 else {
                throw DOTAError(
                    source: source, line: line,
                    message: "expected x1 y1 x2 y2 x3 y3 x4 y4 category difficult, found \(fields.count) fields")
            }
            var numbers: [Double] = []
            for field in fields.prefix(8) {
                guard let v = Double(field), v.isFinite else {
                    throw DOTAError(source: source, line: line, message: "coordinate \"\(field)\" is not a finite number")
                }
                numbers.append(v)
            }
            var difficult = false
            if fields.count == 10 {
                guard fields[9] == "0" || fields[9] == "1" else {
                    throw DOTAError(source: source, line: line, message: "difficult \"\(fields[9])\" is not 0 or 1")
                }
                difficult = fields[9] == "1"
            }
            let corners = (0..<4).map { SIMD2(numbers[2 * $0], numbers[2 * $0 + 1]) }
            do {
                objects.append(try Object(corners: corners, category: fields[8], difficult: difficult, line: line))
            } catch let e as DOTAError {
                throw DOTAError(source: source, line: line, message: e.message)
            }
        }
    }

    /// Reads a label file.
    public init(contentsOf path: String) throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw DOTAError(source: path, line: nil, message: "cannot read: \(error.localizedDescription)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw DOTAError(source: path, line: nil, message: "not UTF-8 text")
        }
        try self.init(text: text, source: path)
    }

    /// The file's text: the header lines that are set, then one line per object with its corners as written
    /// (shortest exact decimals), category and difficult flag, LF line ends.
    public var text: String {
        var lines: [String] = []
        if let imageSource { lines.append("imagesource:" + imageSource) }
        if let gsd { lines.append("gsd:" + gsd) }
        for o in objects {
            lines.append(Self.line(o.corners, category: o.category, difficult: o.difficult))
        }
        return lines.map { $0 + "\n" }.joined()
    }

    /// One object line: `x1 y1 x2 y2 x3 y3 x4 y4 category difficult`, numbers in their shortest exact decimals
    /// (`12` rather than `12.0`).
    public static func line(_ corners: [SIMD2<Double>], category: String, difficult: Bool) -> String {
        func number(_ v: Double) -> String { v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : "\(v)" }
        return (corners.flatMap { [number($0.x), number($0.y)] } + [category, difficult ? "1" : "0"]).joined(separator: " ")
    }
}

/// What was wrong with a DOTA label file: the file, the line (from 1) and why.
public struct DOTAError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file (or what the text was called).
    public var source: String
    /// The line, from 1; nil for the file as a whole.
    public var line: Int?
    /// Why.
    public var message: String

    /// An error about `source` (at `line`).
    public init(source: String, line: Int?, message: String) {
        self.source = source
        self.line = line
        self.message = message
    }

    /// `file: line N: message`.
    public var description: String { "\(source): " + (line.map { "line \($0): " } ?? "") + message }
}
