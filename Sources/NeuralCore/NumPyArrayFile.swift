import Foundation

/// A NumPy `.npy` file read as a `Tensor`: what `numpy.save` writes for one array.
///
/// The format (numpy.lib.format): the magic `\x93NUMPY`, a version byte pair (1.0, 2.0 or 3.0), the header's
/// length (2 bytes little-endian in version 1, 4 in versions 2 and 3), then the header, a Python dict literal
/// such as `{'descr': '<f4', 'fortran_order': False, 'shape': (1, 84, 8400), }`, then the values. Accepted:
/// little-endian (or byte-order-free) `f4`, `f2` and `f8`, any shape (a 0-d array is a scalar), in C order or in
/// Fortran order (what `numpy.save` writes for a transposed array; the values are reordered to C order).
/// `f8` values are rounded to the nearest `Float`. Everything else (big-endian, integers, objects, a truncated
/// or over-long body) is a `NumPyArrayFileError` naming the file and what is wrong.
public enum NumPyArrayFile {
    /// The array stored in the file at `path`.
    public static func read(contentsOf path: String) throws -> Tensor {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
        } catch {
            throw NumPyArrayFileError(source: path, message: "cannot read the file (\(error.localizedDescription))")
        }
        return try tensor(data: data, source: path)
    }

    /// The array stored in `data`; `source` names it in errors.
    public static func tensor(data: Data, source: String) throws -> Tensor {
        func fail(_ message: String) -> NumPyArrayFileError { NumPyArrayFileError(source: source, message: message) }
        let bytes = [UInt8](data.prefix(12))
        guard bytes.count >= 10, bytes[0..<6] == [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59] else {
            throw fail("not a NumPy .npy file (no \\x93NUMPY magic)")
        }
        let major = bytes[6]
        let headerStart: Int, headerLength: Int
        switch major {
        case 1:
            headerStart = 10
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        case 2, 3:
            guard bytes.count >= 12 else { throw fail("truncated header") }
            headerStart = 12
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
        default:
            throw fail("format version \(major).\(bytes[7]) is not 1, 2 or 3")
        }
        guard headerLength <= data.count - headerStart else { throw fail("truncated header (\(headerLength) bytes announced)") }
        let headerBytes = data.subdata(in: (data.startIndex + headerStart)..<(data.startIndex + headerStart + headerLength))
        guard let headerText = String(data: headerBytes, encoding: major == 3 ? .utf8 : .isoLatin1) else {
            throw fail("header is not \(major == 3 ? "UTF-8" : "Latin-1") text")
        }
        let header: Header
        do {
            header = try Header(parsing: headerText)
        } catch let problem as HeaderProblem {
            throw fail("header \(problem.message)")
        }
        let itemSize: Int
        switch header.descr {
        case "<f4", "=f4": itemSize = 4
        case "<f2", "=f2": itemSize = 2
        case "<f8", "=f8": itemSize = 8
        default:
            throw fail("dtype '\(header.descr)' is not supported (little-endian float32, float16 or float64)")
        }
        let count: Int
        do {
            count = try Tensor.elementCount(header.shape)
        } catch {
            throw fail("shape \(header.shape) is invalid")
        }
        let bodyStart = headerStart + headerLength
        let (bodyBytes, overflow) = count.multipliedReportingOverflow(by: itemSize)
        let available = data.count - bodyStart
        guard !overflow, bodyBytes <= available else {
            throw fail("truncated: shape \(header.shape) of \(header.descr) needs \(overflow ? "more" : String(bodyBytes)) bytes, the file holds \(available)")
        }
        guard bodyBytes == available else {
            throw fail("\(available - bodyBytes) bytes after the \(count) values of shape \(header.shape)")
        }
        let scalars: [Float] = data.withUnsafeBytes { raw in
            let body = UnsafeRawBufferPointer(rebasing: raw[bodyStart...])
            switch itemSize {
            case 4: return (0..<count).map { Float(bitPattern: body.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self).littleEndian) }
            case 2: return (0..<count).map { SafeTensors.half(body.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self).littleEndian) }
            default:
                return (0..<count).map { Float(Double(bitPattern: body.loadUnaligned(fromByteOffset: 8 * $0, as: UInt64.self).littleEndian)) }
            }
        }
        guard header.fortranOrder, header.shape.count > 1 else { return try Tensor(shape: header.shape, scalars: scalars) }
        return try Tensor(shape: header.shape, scalars: Self.cOrder(fortranOrdered: scalars, shape: header.shape))
    }

    /// Values stored with the first index varying fastest, reordered so that the last varies fastest.
    static func cOrder(fortranOrdered values: [Float], shape: [Int]) -> [Float] {
        var stridesF = [Int](repeating: 1, count: shape.count)
        for d in 1..<shape.count { stridesF[d] = stridesF[d - 1] * shape[d - 1] }
        var out = [Float](repeating: 0, count: values.count)
        var index = [Int](repeating: 0, count: shape.count)
        for k in 0..<values.count {
            out[k] = values[zip(index, stridesF).reduce(0) { $0 + $1.0 * $1.1 }]
            var d = shape.count - 1
            while d >= 0 {
                index[d] += 1
                if index[d] < shape[d] { break }
                index[d] = 0
                d -= 1
            }
        }
        return out
    }

    /// The three keys of an `.npy` header.
    struct Header {
        var descr = ""
        var fortranOrder = false
        var shape: [Int] = []

        /// Parses the Python dict literal numpy writes: string keys, a string, a boolean and a tuple of integers.
        init(parsing text: String) throws {
            var scanner = LiteralScanner(Array(text.utf8))
            var seen = Set<String>()
            try scanner.expect(UInt8(ascii: "{"))
            while true {
                scanner.skipSpace()
                if scanner.consume(UInt8(ascii: "}")) { break }
                let key = try scanner.string()
                guard seen.insert(key).inserted else { throw HeaderProblem(message: "repeats the key '\(key)'") }
                try scanner.expect(UInt8(ascii: ":"))
                switch key {
                case "descr": descr = try scanner.string()
                case "fortran_order": fortranOrder = try scanner.boolean()
                case "shape": shape = try scanner.integerTuple()
                default: throw HeaderProblem(message: "has an unknown key '\(key)'")
                }
                scanner.skipSpace()
                if scanner.consume(UInt8(ascii: "}")) { break }
                try scanner.expect(UInt8(ascii: ","))
            }
            for key in ["descr", "fortran_order", "shape"] where !seen.contains(key) {
                throw HeaderProblem(message: "has no '\(key)'")
            }
            // Only the padding may follow the dict (spaces and the closing newline), as numpy's literal_eval demands.
            scanner.skipSpace()
            guard scanner.position == scanner.bytes.count else {
                throw HeaderProblem(message: "has something after the dict literal at byte \(scanner.position)")
            }
        }
    }

    /// What is wrong with a header, before the file's name is attached.
    struct HeaderProblem: Error {
        var message: String
    }

    /// A cursor over the header's bytes.
    struct LiteralScanner {
        let bytes: [UInt8]
        var position = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        mutating func skipSpace() {
            while position < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[position]) { position += 1 }
        }

        mutating func consume(_ byte: UInt8) -> Bool {
            skipSpace()
            guard position < bytes.count, bytes[position] == byte else { return false }
            position += 1
            return true
        }

        mutating func expect(_ byte: UInt8) throws {
            guard consume(byte) else {
                throw HeaderProblem(message: "is not a dict literal: expected '\(Character(Unicode.Scalar(byte)))' at byte \(position)")
            }
        }

        mutating func string() throws -> String {
            skipSpace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "'") || bytes[position] == UInt8(ascii: "\"") else {
                throw HeaderProblem(message: "is not a dict literal: expected a quoted string at byte \(position)")
            }
            let quote = bytes[position]
            position += 1
            let start = position
            while position < bytes.count, bytes[position] != quote { position += 1 }
            guard position < bytes.count else { throw HeaderProblem(message: "has an unterminated string") }
            defer { position += 1 }
            return String(decoding: bytes[start..<position], as: UTF8.self)
        }

        mutating func boolean() throws -> Bool {
            skipSpace()
            for (word, value) in [("True", true), ("False", false)] where bytes[position...].starts(with: word.utf8) {
                position += word.utf8.count
                return value
            }
            throw HeaderProblem(message: "has a 'fortran_order' that is not True or False")
        }

        mutating func integerTuple() throws -> [Int] {
            try expect(UInt8(ascii: "("))
            var values: [Int] = []
            while true {
                if consume(UInt8(ascii: ")")) { return values }
                skipSpace()
                let start = position
                while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) { position += 1 }
                guard position > start, let value = Int(String(decoding: bytes[start..<position], as: UTF8.self)) else {
                    throw HeaderProblem(message: "has a 'shape' that is not a tuple of non-negative integers")
                }
                values.append(value)
                if consume(UInt8(ascii: ")")) { return values }
                try expect(UInt8(ascii: ","))
            }
        }
    }
}

/// What is wrong with a `.npy` file, naming it.
public struct NumPyArrayFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file.
    public var source: String
    /// What is wrong.
    public var message: String

    /// A problem with a file.
    public init(source: String, message: String) {
        self.source = source
        self.message = message
    }

    /// `FILE: message`.
    public var description: String { source + ": " + message }
}
