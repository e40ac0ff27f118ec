import Foundation
import JSONScanning

/// A safetensors file (the format of Hugging Face and PyTorch weights), memory-mapped.
///
/// Layout: an 8-byte little-endian header length `n`, `n` bytes of JSON header
/// (`{"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, …, "__metadata__": {…}}`), then the
/// data, offsets relative to its start. Opening validates the whole header and says exactly what is wrong: a
/// header length past the end of the file, a header that is not JSON, a duplicate name, an unknown dtype, offsets
/// outside the data or overlapping, a shape that does not match the byte count. ``tensor(_:)`` converts `F32`,
/// `F16` and `BF16` data to `Float`; PyTorch layouts load as they are.
public struct SafeTensors: @unchecked Sendable {  // `Data` of a read-only mapping
    /// The element types of the format, with their sizes in bytes.
    public enum DType: String, Sendable, CaseIterable {
        case bool = "BOOL", u8 = "U8", i8 = "I8", f8e4m3 = "F8_E4M3", f8e5m2 = "F8_E5M2"
        case i16 = "I16", u16 = "U16", f16 = "F16", bf16 = "BF16"
        case i32 = "I32", u32 = "U32", f32 = "F32"
        case i64 = "I64", u64 = "U64", f64 = "F64"

        /// Bytes per element.
        public var size: Int {
            switch self {
            case .bool, .u8, .i8, .f8e4m3, .f8e5m2: return 1
            case .i16, .u16, .f16, .bf16: return 2
            case .i32, .u32, .f32: return 4
            case .i64, .u64, .f64: return 8
            }
        }
    }

    /// One tensor's description in the header.
    public struct Entry: Sendable, Equatable {
        /// Its name.
        public let name: String
        /// Its element type.
        public let dtype: DType
        /// Its shape.
        public let shape: [Int]
        /// Its bytes, relative to the start of the data.
        public let offsets: Range<Int>
    }

    /// Where the file came from, for messages.
    public let source: String
    /// The tensors, in header order.
    public let entries: [Entry]
    /// The `__metadata__` strings, if any.
    public let metadata: [String: String]
    private let byName: [String: Int]
    private let data: Data
    private let dataStart: Int

    /// Opens a file, memory-mapped.
    public init(contentsOf path: String) throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw SafeTensorsError(source: path, tensor: nil, message: "cannot read: \(error.localizedDescription)")
        }
        try self.init(data: data, source: path)
    }

    /// Reads a safetensors image already in memory.
    public init(data: Data, source: String) throws {
        func fail(_ message: String, _ tensor: String? = nil) -> SafeTensorsError {
            SafeTensorsError(source: source, tensor: tensor, message: message)
        }
        guard data.count >= 8 else { throw fail("file of \(data.count) bytes is too short for the header length") }
        let headerLength = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard headerLength <= UInt64(data.count - 8) else {
            throw fail("header length \(headerLength) is past the end of the file (\(data.count) bytes)")
        }
        let headerEnd = 8 + Int(headerLength)
        var scanner = JSONScanner(data.subdata(in: 8..<headerEnd))
        var entries: [Entry] = []
        var metadata: [String: String] = [:]
        var seen: Set<String> = []
        let dataSize = data.count - headerEnd
        do {
            let header = try scanner.value()
            scanner.skipWhitespace()
            guard scanner.atEnd else { throw scanner.fail("unexpected data after the header object") }
            guard header.kind == .object else { throw fail("header is not a JSON object") }
            for (name, value) in try scanner.members(header) {
                guard seen.insert(name).inserted else { throw fail("duplicate name", name) }
                if name == "__metadata__" {
                    metadata = try Self.strings(value, scanner, fail)
                } else {
                    entries.append(try Self.entry(name, value, scanner, dataSize: dataSize, fail))
                }
            }
        } catch let e as JSONScanner.SyntaxError {
            throw fail("header is not valid JSON at byte \(e.offset): \(e.message)")
        }
        let sorted = entries.sorted { $0.offsets.lowerBound < $1.offsets.lowerBound }
        for (a, b) in zip(sorted, sorted.dropFirst()) where b.offsets.lowerBound < a.offsets.upperBound {
            throw fail("data overlaps tensor \"\(a.name)\"", b.name)
        }
        self.source = source
        self.entries = entries
        self.metadata = metadata
        byName = Dictionary(uniqueKeysWithValues: entries.enumerated().map { ($1.name, $0) })
        self.data = data
        dataStart = headerEnd
    }

    private static func entry(
        _ name: String, _ value: JSONScanner.Value, _ s: JSONScanner, dataSize: Int,
        _ fail: (String, String?) -> SafeTensorsError
    ) throws -> Entry {
        guard value.kind == .object else { throw fail("expected an object with dtype, shape and data_offsets", name) }
        let fields = Dictionary(try s.members(value).map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
        guard let dtypeValue = fields["dtype"], dtypeValue.kind == .string else { throw fail("missing dtype", name) }
        let dtypeName = try s.text(dtypeValue)
        guard let dtype = DType(rawValue: dtypeName) else { throw fail("unknown dtype \"\(dtypeName)\"", name) }
        func integers(_ key: String) throws -> [Int] {
            guard let v = fields[key], v.kind == .array else { throw fail("missing \(key)", name) }
            return try s.elements(v).map { e in
                let d = e.kind == .number ? s.double(e) : -1
                guard d >= 0, d == d.rounded(), d < 9.0e15 else { throw fail("\(key) must hold non-negative integers", name) }
                return Int(d)
            }
        }
        let shape = try integers("shape")
        let offsets = try integers("data_offsets")
        guard offsets.count == 2, offsets[0] <= offsets[1], offsets[1] <= dataSize else {
            throw fail("data_offsets \(offsets) are outside the data (\(dataSize) bytes)", name)
        }
        guard let count = try? Tensor.elementCount(shape), count.multipliedReportingOverflow(by: dtype.size).overflow == false,
            count * dtype.size == offsets[1] - offsets[0]
        else {
            throw fail("shape \(shape) of \(dtype.rawValue) does not match its \(offsets[1] - offsets[0]) bytes", name)
        }
        return Entry(name: name, dtype: dtype, shape: shape, offsets: offsets[0]..<offsets[1])
    }

    private static func strings(
        _ value: JSONScanner.Value, _ s: JSONScanner, _ fail: (String, String?) -> SafeTensorsError
    ) throws -> [String: String] {
        guard value.kind == .object else { throw fail("__metadata__ must be an object of strings", nil) }
        var out: [String: String] = [:]
        for (key, v) in try s.members(value) {
            guard v.kind == .string else { throw fail("__metadata__ must be an object of strings", nil) }
            out[key] = try s.text(v)
        }
        return out
    }

    /// The description of a tensor, or nil.
    public func entry(_ name: String) -> Entry? { byName[name].map { entries[$0] } }

    /// A tensor's values as `Float` (from `F32`, `F16` or `BF16`), in its stored shape.
    public func tensor(_ name: String) throws -> Tensor {
        guard let e = entry(name) else {
            throw SafeTensorsError(source: source, tensor: name, message: "no such tensor")
        }
        let count = e.offsets.count / e.dtype.size
        let start = dataStart + e.offsets.lowerBound
        let scalars: [Float] = try data.withUnsafeBytes { raw in
            let bytes = UnsafeRawBufferPointer(rebasing: raw[start..<(start + e.offsets.count)])
            switch e.dtype {
            case .f32:
                return (0..<count).map { Float(bitPattern: bytes.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self).littleEndian) }
            case .f16:
                return (0..<count).map { Self.half(bytes.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self).littleEndian) }
            case .bf16:
                return (0..<count).map {
                    Float(bitPattern: UInt32(bytes.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self).littleEndian) << 16)
                }
            default:
                throw SafeTensorsError(
                    source: source, tensor: name, message: "dtype \(e.dtype.rawValue) is not a float type (F32, F16, BF16)")
            }
        }
        return try Tensor(shape: e.shape, scalars: scalars)
    }

    /// IEEE half precision to `Float`, exactly (subnormals, infinities and NaN included).
    static func half(_ h: UInt16) -> Float {
        let sign = UInt32(h & 0x8000) << 16
        let exponent = Int((h >> 10) & 0x1F), mantissa = UInt32(h & 0x3FF)
        if exponent == 0x1F { return Float(bitPattern: sign | 0x7F80_0000 | mantissa << 13) }
        if exponent == 0 {
            let magnitude = Float(mantissa) * Float(sign: .plus, exponent: -24, significand: 1)
            return sign == 0 ? magnitude : -magnitude
        }
        return Float(bitPattern: sign | UInt32(exponent + 112) << 23 | mantissa << 13)
    }
}

/// What is wrong with a safetensors file, naming the file and, when it is about one, the tensor.
public struct SafeTensorsError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file.
    public var source: String
    /// The tensor concerned, if any.
    public var tensor: String?
    /// What is wrong.
    public var message: String

    /// A problem with a file, and possibly one of its tensors.
    public init(source: String, tensor: String?, message: String) {
        self.source = source
        self.tensor = tensor
        self.message = message
    }

    /// `FILE: tensor "NAME": message`.
    public var description: String {
        source + ": " + (tensor.map { "tensor \"\($0)\": " } ?? "") + message
    }
}
