import Boxes
import JSONScanning

/// The fields a kind of COCO record is read for: the cases, numbered from 0 (at most 8, the slots of a
/// ``RecordReader/Record``), and their JSON names.
protocol RecordField: RawRepresentable where RawValue == Int {
    /// The JSON name of each case, in case order.
    static var names: [String] { get }
}

extension RecordField {
    /// This field's JSON name.
    var name: String { Self.names[rawValue] }
}

/// Reads the records of a COCO file one at a time, each in a single pass over its bytes (no dictionary, no string
/// per field name), with errors that name the file, the section, the record and its line.
struct RecordReader {
    /// The file being read, positioned at the next record.
    var scanner: JSONScanner
    /// Where it was read from, for messages.
    let source: String

    /// How errors name a record: `annotations[12] (line 40)` in an instances file (``COCOInstancesError``), or
    /// `record 12 (line 40)` in a results file (``COCOResultsError``).
    enum Naming {
        case instances(section: StaticString)
        case results

        var isResults: Bool {
            if case .results = self { return true }
            return false
        }
    }

    /// One record's values: those of the named fields, by case, and optionally every other member. One object
    /// serves a whole section, each ``RecordReader/read(into:index:)`` replacing its values (a record is a few
    /// hundred bytes, and copying one per record cost more than reading it).
    final class Record<Field: RecordField> {
        /// The file (its bytes; the position is the reader's).
        let scanner: JSONScanner
        let naming: Naming
        let source: String
        /// The JSON names of `Field`'s cases.
        let names: [[UInt8]]
        /// Whether members not among `Field`'s cases are kept in `others` (and checked for repeats).
        let keepOthers: Bool
        var values = InlineArray<8, JSONScanner.Value?>(repeating: nil)
        /// The numbers of each field read as a number (in `.x`) or as four numbers while the record was scanned,
        /// and how many (0 when not).
        var numbers = InlineArray<8, SIMD4<Double>>(repeating: .zero), numberCount = InlineArray<8, UInt8>(repeating: 0)
        /// Members not among `Field`'s cases, when kept.
        var others: [(name: Range<Int>, value: JSONScanner.Value)] = []
        /// Which record of its section, and where it starts.
        var index = 0, offset = 0

        /// A record of `reader`'s file, named as `naming` says.
        init(_ reader: RecordReader, naming: Naming, keepOthers: Bool) {
            scanner = reader.scanner
            source = reader.source
            self.naming = naming
            self.keepOthers = keepOthers
            names = Field.names.map { Array($0.utf8) }
        }

        /// `message` about this record.
        func error(_ message: String) -> any Error {
            switch naming {
            case .instances(let section):
                return RecordReader.error(message, scanner: scanner, source: source, section: section, index: index, offset: offset)
            case .results:
                return COCOResultsError(source: source, record: index, line: scanner.location(offset).line, message: message)
            }
        }

        subscript(_ field: Field) -> JSONScanner.Value? {
            guard let v = values[field.rawValue], v.kind != .null else { return nil }
            return v
        }

        func required(_ field: Field) throws -> JSONScanner.Value {
            guard let v = values[field.rawValue] else { throw error("missing field \"\(field.name)\"") }
            return v
        }

        func number(_ field: Field) throws -> Double { try number(field, try required(field)) }

        /// A number, finite (and finite as a `Float` in a results file, whose values DetectKit holds in `Float`).
        func number(_ field: Field, _ v: JSONScanner.Value) throws -> Double {
            guard v.kind == .number else { throw error("field \"\(field.name)\" must be a number, found \(v.kind)") }
            let d = numberCount[field.rawValue] == 1 && values[field.rawValue]?.range == v.range ? numbers[field.rawValue].x : scanner.double(v)
            guard d.isFinite, !naming.isResults || Float(d).isFinite else { throw error("field \"\(field.name)\" is out of range") }
            return d
        }

        func optionalNumber(_ field: Field) throws -> Double? {
            guard let v = self[field] else { return nil }
            return try number(field, v)
        }

        func integer(_ field: Field) throws -> Int { try integer(field, try required(field)) }

        func integer(_ field: Field, _ v: JSONScanner.Value) throws -> Int {
            let d = try number(field, v)
            guard d == d.rounded(), abs(d) < 9.0e15 else { throw error("field \"\(field.name)\" must be an integer") }
            return Int(d)
        }

        func optionalInteger(_ field: Field) throws -> Int? {
            guard let v = self[field] else { return nil }
            return try integer(field, v)
        }

        func optionalText(_ field: Field) throws -> String? {
            guard let v = self[field] else { return nil }
            guard v.kind == .string else { throw error("field \"\(field.name)\" must be a string, found \(v.kind)") }
            return try scanner.text(v)
        }

        func bool(_ v: JSONScanner.Value) -> Bool {
            scanner.bytes[v.range.lowerBound] == UInt8(ascii: "t")
        }

        /// A 0/1 or boolean field, false when absent (`iscrowd`).
        func flag(_ field: Field) throws -> Bool {
            guard let v = self[field] else { return false }
            if v.kind == .bool { return bool(v) }
            return try number(field, v) != 0
        }

        /// An `image_id`: a number or a string.
        func imageID(_ field: Field) throws -> COCOImageID {
            let v = try required(field)
            switch v.kind {
            case .number: return .number(try number(field, v))
            case .string: return .text(try scanner.text(v))
            default: throw error("field \"\(field.name)\" must be a number or a string, found \(v.kind)")
            }
        }

        /// Four finite numbers (`bbox`, `bbox_std`), finite as `Float`s too in a results file.
        func quad(_ field: Field, _ v: JSONScanner.Value) throws -> SIMD4<Double> {
            let read = numberCount[field.rawValue] == 4 && values[field.rawValue]?.range == v.range ? numbers[field.rawValue] : nil
            guard let b = read ?? scanner.fourNumbers(v) else {
                // Which part is wrong, for the message.
                let items = v.kind == .array ? try scanner.elements(v) : []
                guard items.count == 4 else { throw error("field \"\(field.name)\" must be an array of 4 numbers") }
                for item in items where item.kind != .number {
                    throw error("field \"\(field.name)\" must be a number, found \(item.kind)")
                }
                throw error("field \"\(field.name)\" must be an array of 4 numbers")
            }
            guard (0..<4).allSatisfy({ b[$0].isFinite && (!naming.isResults || Float(b[$0]).isFinite) }) else {
                throw error("field \"\(field.name)\" is out of range")
            }
            return b
        }

        /// `[x, y, w, h]` with finite values and non-negative width and height.
        /// An oriented box `[cx, cy, w, h, angle]` (`rbox`): five finite numbers (finite as `Float`s), sides not
        /// negative; nil when the field is absent or null.
        func rotatedBox(_ field: Field) throws -> RotatedBox? {
            guard let v = self[field] else { return nil }
            let items = v.kind == .array ? try scanner.elements(v) : []
            guard items.count == 5 else { throw error("field \"\(field.name)\" must be an array of 5 numbers [cx, cy, w, h, angle]") }
            var n: [Float] = []
            for item in items {
                guard item.kind == .number else { throw error("field \"\(field.name)\" must be a number, found \(item.kind)") }
                let d = scanner.double(item)
                guard d.isFinite, Float(d).isFinite else { throw error("field \"\(field.name)\" is out of range") }
                n.append(Float(d))
            }
            guard n[2] >= 0, n[3] >= 0 else { throw error("\(field.name) \(n) has a negative width or height") }
            let r = RotatedBox(cx: n[0], cy: n[1], width: n[2], height: n[3], angle: n[4])
            guard r.enclosingBox.isFinite else { throw error("field \"\(field.name)\" is out of range") }
            return r
        }

        func box(_ field: Field) throws -> SIMD4<Double> {
            let b = try quad(field, try required(field))
            guard b.z >= 0, b.w >= 0 else { throw error("\(field.name) \([b.x, b.y, b.z, b.w]) has a negative width or height") }
            return b
        }
    }

    /// Reads the record at the scanner's position, the `index`-th of its section, into `r`: an object in which no
    /// field of `Field` appears twice (nor any other, when `r` keeps the others). Numbers and boxes of `Field`'s
    /// fields are converted as they are scanned.
    mutating func read<Field: RecordField>(into r: Record<Field>, index: Int) throws {
        scanner.skipWhitespace()
        r.index = index
        r.offset = scanner.position
        for slot in 0..<Field.names.count {
            r.values[slot] = nil
            r.numberCount[slot] = 0
        }
        r.others.removeAll(keepingCapacity: true)
        guard scanner.position < scanner.end, scanner.bytes[scanner.position] == UInt8(ascii: "{") else {
            let v = try scanner.value(depth: 1)
            throw r.error("expected an object, found \(v.kind)")
        }
        guard try scanner.beginObject() else { return }
        var otherNames = Set<String>(), next = 0
        repeat {
            let known = try scanner.knownMemberName(r.names, first: next)
            let name = known == nil ? try scanner.memberName() : 0..<0
            if let slot = try known ?? Self.slot(of: name, in: scanner, names: r.names) {
                next = slot + 1
                guard r.values[slot] == nil else { throw r.error("field \"\(Field.names[slot])\" appears twice") }
                scanner.skipWhitespace()
                let first = scanner.position < scanner.end ? scanner.bytes[scanner.position] : 0
                if first == UInt8(ascii: "-") || (first >= 0x30 && first <= 0x39) {
                    let (range, number) = try scanner.readNumber()
                    r.values[slot] = JSONScanner.Value(kind: .number, range: range)
                    r.numbers[slot].x = number
                    r.numberCount[slot] = 1
                } else if first == UInt8(ascii: "["), let (value, numbers) = scanner.readFourNumbers() {
                    r.values[slot] = value
                    r.numbers[slot] = numbers
                    r.numberCount[slot] = 4
                } else {
                    r.values[slot] = try scanner.value(depth: 2)
                }
                continue
            }
            let value = try scanner.value(depth: 2)
            if r.keepOthers {
                let decoded = try scanner.name(name)
                guard otherNames.insert(decoded).inserted else { throw r.error("field \"\(decoded)\" appears twice") }
                r.others.append((name, value))
            }
        } while try scanner.nextMember()
    }

    /// The position in `names` of the member name at `range`.
    private static func slot(of range: Range<Int>, in scanner: JSONScanner, names: [[UInt8]]) throws -> Int? {
        if let slot = scanner.index(ofName: range, in: names) { return slot }
        // A name written with escapes (`"image\u005fid"`) is the same name.
        guard scanner.bytes[range].contains(UInt8(ascii: "\\")) else { return nil }
        return names.firstIndex(of: Array(try scanner.name(range).utf8))
    }

    /// An error about record `section[index]` starting at byte `offset` (its line is worked out only now).
    static func error(
        _ message: String, scanner: JSONScanner, source: String, section: StaticString, index: Int, offset: Int
    ) -> COCOInstancesError {
        COCOInstancesError(source: source, record: "\(section)[\(index)] (line \(scanner.location(offset).line))", message: message)
    }
}
