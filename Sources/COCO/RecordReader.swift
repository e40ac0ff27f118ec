import JSONScanning

/// Reads the fields of one JSON record of a COCO file, with errors that name the file, the section, the record
/// and its line.
struct RecordReader {
    let scanner: JSONScanner
    let source: String

    /// One record's fields.
    struct Record {
        let scanner: JSONScanner
        let fields: [String: JSONScanner.Value]
        let section: String
        let index: Int
        let offset: Int
        let source: String

        /// `message` about this record, named as `section[index] (line L)`.
        func error(_ message: String) -> COCOInstancesError {
            RecordReader.error(message, scanner: scanner, source: source, section: section, index: index, offset: offset)
        }

        func required(_ key: String) throws -> JSONScanner.Value {
            guard let v = fields[key] else { throw error("missing field \"\(key)\"") }
            return v
        }

        func number(_ key: String) throws -> Double { try number(key, try required(key)) }

        func number(_ key: String, _ v: JSONScanner.Value) throws -> Double {
            guard v.kind == .number else { throw error("field \"\(key)\" must be a number, found \(v.kind)") }
            let d = scanner.double(v)
            guard d.isFinite else { throw error("field \"\(key)\" is out of range") }
            return d
        }

        func optionalNumber(_ key: String) throws -> Double? {
            guard let v = fields[key], v.kind != .null else { return nil }
            return try number(key, v)
        }

        func integer(_ key: String) throws -> Int {
            let d = try number(key)
            guard d == d.rounded(), abs(d) < 9.0e15 else { throw error("field \"\(key)\" must be an integer") }
            return Int(d)
        }

        func optionalInteger(_ key: String) throws -> Int? {
            guard fields[key] != nil, fields[key]?.kind != .null else { return nil }
            return try integer(key)
        }

        func optionalText(_ key: String) throws -> String? {
            guard let v = fields[key], v.kind != .null else { return nil }
            guard v.kind == .string else { throw error("field \"\(key)\" must be a string, found \(v.kind)") }
            return try scanner.text(v)
        }

        func bool(_ v: JSONScanner.Value) -> Bool {
            scanner.bytes[v.range.lowerBound] == UInt8(ascii: "t")
        }

        /// A 0/1 or boolean field, false when absent (`iscrowd`).
        func flag(_ key: String) throws -> Bool {
            guard let v = fields[key], v.kind != .null else { return false }
            if v.kind == .bool { return bool(v) }
            return try number(key, v) != 0
        }

        /// An `image_id`: a number or a string.
        func imageID(_ key: String) throws -> COCOImageID {
            let v = try required(key)
            switch v.kind {
            case .number: return .number(try number(key, v))
            case .string: return .text(try scanner.text(v))
            default: throw error("field \"\(key)\" must be a number or a string, found \(v.kind)")
            }
        }

        /// `[x, y, w, h]` with finite values and non-negative width and height.
        func box(_ key: String) throws -> SIMD4<Double> {
            let v = try required(key)
            let items = v.kind == .array ? try scanner.elements(v) : []
            guard items.count == 4 else { throw error("field \"\(key)\" must be an array of 4 numbers") }
            let b = SIMD4(try number(key, items[0]), try number(key, items[1]), try number(key, items[2]), try number(key, items[3]))
            guard b.z >= 0, b.w >= 0 else { throw error("\(key) \([b.x, b.y, b.z, b.w]) has a negative width or height") }
            return b
        }
    }

    /// The record `v`, the `index`-th of `section`; it must be an object without repeated keys.
    func record(_ v: JSONScanner.Value, section: String, index: Int) throws -> Record {
        let offset = v.range.lowerBound
        func fail(_ message: String) -> COCOInstancesError {
            Self.error(message, scanner: scanner, source: source, section: section, index: index, offset: offset)
        }
        guard v.kind == .object else { throw fail("expected an object, found \(v.kind)") }
        var fields: [String: JSONScanner.Value] = [:]
        for (key, value) in try scanner.members(v) {
            guard fields.updateValue(value, forKey: key) == nil else { throw fail("field \"\(key)\" appears twice") }
        }
        return Record(scanner: scanner, fields: fields, section: section, index: index, offset: offset, source: source)
    }

    /// An error about record `section[index]` starting at byte `offset` (its line is worked out only now).
    static func error(
        _ message: String, scanner: JSONScanner, source: String, section: String, index: Int, offset: Int
    ) -> COCOInstancesError {
        COCOInstancesError(source: source, record: "\(section)[\(index)] (line \(scanner.location(offset).line))", message: message)
    }
}
