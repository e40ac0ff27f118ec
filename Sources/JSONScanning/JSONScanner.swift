import Foundation

/// A strict JSON (RFC 8259) scanner that validates a document and reports where each value lies in the bytes,
/// without building a tree. COCO results are read through it so that fields DetectKit does not use are written
/// back byte for byte, and so that a million records read in well under a second; safetensors headers so that
/// duplicate names are seen (a dictionary-building parser silently keeps the last). Package-internal.
package struct JSONScanner {
    /// The kind of a scanned value.
    package enum Kind: Equatable {
        case object, array, string, number, bool, null
    }

    /// A scanned value: its kind and its bytes in the source.
    package struct Value {
        package var kind: Kind
        package var range: Range<Int>

        package init(kind: Kind, range: Range<Int>) {
            self.kind = kind
            self.range = range
        }
    }

    /// Why the document is not valid JSON, and where.
    package struct SyntaxError: Error {
        package var offset: Int
        package var message: String
    }

    /// The document, followed by one 0 byte so number conversion always stops inside the buffer.
    package let bytes: [UInt8]
    package var position = 0
    private static let maxDepth = 512

    package init(_ data: Data) {
        var b = [UInt8]()
        b.reserveCapacity(data.count + 1)
        b.append(contentsOf: data)
        b.append(0)
        bytes = b
    }

    /// Scans `bytes` (taken as they are, without copying when they have room for one more byte).
    package init(bytes: [UInt8]) {
        var b = bytes
        b.append(0)
        self.bytes = b
    }

    /// The bytes of a file, read with room for the scanner's final 0 so that ``init(bytes:)`` does not copy them.
    package static func contents(ofFile path: String) throws -> [UInt8] {
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        // The size, when the file is a regular one, sizes the buffer; anything else is read to its end.
        var status = stat()
        let size = fstat(handle.fileDescriptor, &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG ? Int(status.st_size) : 0
        var out = [UInt8]()
        out.reserveCapacity(size + 1)
        while let chunk = try handle.read(upToCount: max(size - out.count, 1 << 16)), !chunk.isEmpty {
            out.append(contentsOf: chunk)
        }
        return out
    }

    package var end: Int { bytes.count - 1 }
    package var atEnd: Bool { position >= end }

    package mutating func skipWhitespace() {
        let end = self.end
        position = bytes.withUnsafeBufferPointer { p in
            var at = position
            while at < end, case let c = p[at], c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { at += 1 }
            return at
        }
    }

    package func fail(_ message: String, at offset: Int? = nil) -> SyntaxError {
        SyntaxError(offset: offset ?? position, message: message)
    }

    /// Consumes `byte` (after whitespace) or throws.
    package mutating func expect(_ byte: UInt8, _ what: String) throws {
        skipWhitespace()
        guard position < end, bytes[position] == byte else { throw fail("expected \(what)") }
        position += 1
    }

    /// Consumes `byte` (after whitespace) if it is next.
    package mutating func consume(_ byte: UInt8) -> Bool {
        skipWhitespace()
        if position < end && bytes[position] == byte {
            position += 1
            return true
        }
        return false
    }

    // Reading an object or array member by member, in one pass, as records are read:
    //
    //     if try scanner.beginObject() {
    //         repeat {
    //             let name = try scanner.memberName()
    //             let value = try scanner.value(depth: 1)
    //         } while try scanner.nextMember()
    //     }

    /// Consumes the `{` that must come next (after whitespace); false, with the `}` consumed too, when the object is
    /// empty.
    package mutating func beginObject() throws -> Bool {
        try expect(UInt8(ascii: "{"), "'{'")
        return !consume(UInt8(ascii: "}"))
    }

    /// Consumes a member's name and its `:`; returns the name's bytes between the quotes, escapes undecoded.
    package mutating func memberName() throws -> Range<Int> {
        skipWhitespace()
        guard position < end, bytes[position] == UInt8(ascii: "\"") else { throw fail("expected a field name") }
        let name = try string()
        try expect(UInt8(ascii: ":"), "':'")
        return (name.lowerBound + 1)..<(name.upperBound - 1)
    }

    /// After a member's value: true when another member follows (its `,` consumed), false at the `}` (consumed).
    package mutating func nextMember() throws -> Bool {
        if consume(UInt8(ascii: ",")) { return true }
        try expect(UInt8(ascii: "}"), "',' or '}'")
        return false
    }

    /// Consumes the `[` that must come next (after whitespace); false, with the `]` consumed too, when the array is
    /// empty.
    package mutating func beginArray() throws -> Bool {
        try expect(UInt8(ascii: "["), "'['")
        return !consume(UInt8(ascii: "]"))
    }

    /// After an element: true when another follows (its `,` consumed), false at the `]` (consumed).
    package mutating func nextElement() throws -> Bool {
        if consume(UInt8(ascii: ",")) { return true }
        try expect(UInt8(ascii: "]"), "',' or ']'")
        return false
    }

    /// Whether the bytes in `range` are `name`'s.
    package func bytes(_ range: Range<Int>, equal name: [UInt8]) -> Bool {
        guard range.count == name.count else { return false }
        return bytes.withUnsafeBufferPointer { p in
            name.withUnsafeBufferPointer { n in memcmp(p.baseAddress! + range.lowerBound, n.baseAddress!, n.count) == 0 }
        }
    }

    /// The name read by ``memberName()``, decoded.
    package func name(_ range: Range<Int>) throws -> String {
        try text(Value(kind: .string, range: (range.lowerBound - 1)..<(range.upperBound + 1)))
    }

    /// The four numbers of `v` when it is an array of exactly four numbers (a box), else nil; allocates nothing.
    package func fourNumbers(_ v: Value) -> SIMD4<Double>? {
        guard v.kind == .array else { return nil }
        var sub = self
        sub.position = v.range.lowerBound + 1
        var out = SIMD4<Double>()
        for i in 0..<4 {
            sub.skipWhitespace()
            guard let range = try? sub.number() else { return nil }
            out[i] = bytes.withUnsafeBufferPointer { p in DecimalConversion.double(p.baseAddress! + range.lowerBound) }
            guard sub.consume(i == 3 ? UInt8(ascii: "]") : UInt8(ascii: ",")) else { return nil }
        }
        return out
    }

    /// Scans one value of any kind.
    package mutating func value(depth: Int = 0) throws -> Value {
        skipWhitespace()
        guard position < end else { throw fail("unexpected end of input") }
        let start = position
        switch bytes[position] {
        case UInt8(ascii: "{"):
            guard depth < Self.maxDepth else { throw fail("nested deeper than \(Self.maxDepth) levels") }
            position += 1
            if !consume(UInt8(ascii: "}")) {
                repeat {
                    skipWhitespace()
                    guard position < end, bytes[position] == UInt8(ascii: "\"") else { throw fail("expected a field name") }
                    _ = try string()
                    try expect(UInt8(ascii: ":"), "':'")
                    _ = try value(depth: depth + 1)
                } while consume(UInt8(ascii: ","))
                try expect(UInt8(ascii: "}"), "',' or '}'")
            }
            return Value(kind: .object, range: start..<position)
        case UInt8(ascii: "["):
            guard depth < Self.maxDepth else { throw fail("nested deeper than \(Self.maxDepth) levels") }
            position += 1
            if !consume(UInt8(ascii: "]")) {
                repeat { _ = try value(depth: depth + 1) } while consume(UInt8(ascii: ","))
                try expect(UInt8(ascii: "]"), "',' or ']'")
            }
            return Value(kind: .array, range: start..<position)
        case UInt8(ascii: "\""):
            return Value(kind: .string, range: try string())
        case UInt8(ascii: "t"):
            return Value(kind: .bool, range: try literal("true"))
        case UInt8(ascii: "f"):
            return Value(kind: .bool, range: try literal("false"))
        case UInt8(ascii: "n"):
            return Value(kind: .null, range: try literal("null"))
        default:
            return Value(kind: .number, range: try number())
        }
    }

    private mutating func literal(_ word: String) throws -> Range<Int> {
        let start = position
        for c in word.utf8 {
            guard position < end, bytes[position] == c else { throw fail("invalid literal", at: start) }
            position += 1
        }
        return start..<position
    }

    /// Scans a string (with its quotes); validates escapes and UTF-8, and rejects raw control characters.
    package mutating func string() throws -> Range<Int> {
        let start = position
        position += 1
        let end = self.end
        while position < end {
            // Printable ASCII other than the quote and the backslash, the common case, a byte at a time.
            position = bytes.withUnsafeBufferPointer { p in
                var at = position
                while at < end, case let c = p[at], c >= 0x20, c < 0x80, c != UInt8(ascii: "\\"), c != UInt8(ascii: "\"") {
                    at += 1
                }
                return at
            }
            guard position < end else { break }
            let c = bytes[position]
            if c == UInt8(ascii: "\"") {
                position += 1
                return start..<position
            }
            if c < 0x20 { throw fail("control character in string") }
            if c >= 0x80 {
                // JSON text is UTF-8 (RFC 8259 §8.1); invalid bytes would be read as U+FFFD, so two different ids
                // could silently become one.
                guard let length = utf8Sequence(at: position) else { throw fail("invalid UTF-8 in string") }
                position += length
                continue
            }
            if c == UInt8(ascii: "\\") {
                position += 1
                guard position < end else { break }
                switch bytes[position] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                    UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    position += 1
                case UInt8(ascii: "u"):
                    // A surrogate must come in a high-low pair: a lone one is no character at all.
                    guard let unit = hexQuad(at: position + 1) else { throw fail("invalid \\u escape") }
                    position += 5
                    if (0xDC00...0xDFFF).contains(unit) { throw fail("unpaired surrogate in \\u escape") }
                    if (0xD800...0xDBFF).contains(unit) {
                        guard position + 1 < end, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u"),
                            let low = hexQuad(at: position + 2), (0xDC00...0xDFFF).contains(low)
                        else { throw fail("unpaired surrogate in \\u escape") }
                        position += 6
                    }
                default:
                    throw fail("invalid escape")
                }
                continue
            }
            position += 1
        }
        throw fail("unterminated string", at: start)
    }

    /// The length of the well-formed UTF-8 sequence of two to four bytes at `offset` (Unicode's table 3-7: no
    /// overlong forms, no surrogates, nothing above U+10FFFF), or nil.
    private func utf8Sequence(at offset: Int) -> Int? {
        let lead = bytes[offset]
        let length: Int, second: ClosedRange<UInt8>
        switch lead {
        case 0xC2...0xDF: (length, second) = (2, 0x80...0xBF)
        case 0xE0: (length, second) = (3, 0xA0...0xBF)
        case 0xE1...0xEC, 0xEE...0xEF: (length, second) = (3, 0x80...0xBF)
        case 0xED: (length, second) = (3, 0x80...0x9F)
        case 0xF0: (length, second) = (4, 0x90...0xBF)
        case 0xF1...0xF3: (length, second) = (4, 0x80...0xBF)
        case 0xF4: (length, second) = (4, 0x80...0x8F)
        default: return nil
        }
        guard offset + length <= end, second.contains(bytes[offset + 1]) else { return nil }
        for k in 2..<length where !(0x80...0xBF).contains(bytes[offset + k]) { return nil }
        return length
    }

    /// The value of the four hex digits at `offset`, or nil.
    private func hexQuad(at offset: Int) -> Int? {
        guard offset + 4 <= end else { return nil }
        var value = 0
        for k in 0..<4 {
            let c = bytes[offset + k]
            switch c {
            case 0x30...0x39: value = value * 16 + Int(c - 0x30)
            case 0x41...0x46: value = value * 16 + Int(c - 0x41 + 10)
            case 0x61...0x66: value = value * 16 + Int(c - 0x61 + 10)
            default: return nil
            }
        }
        return value
    }

    private static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

    /// Scans a number in JSON's grammar: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`. The final 0
    /// byte stops every loop inside the buffer.
    package mutating func number() throws -> Range<Int> {
        let start = position
        let (at, problem) = bytes.withUnsafeBufferPointer { p -> (Int, String?) in
            var at = start
            if p[at] == UInt8(ascii: "-") { at += 1 }
            guard Self.isDigit(p[at]) else { return (at, "invalid value") }
            if p[at] == UInt8(ascii: "0") {
                at += 1
            } else {
                while Self.isDigit(p[at]) { at += 1 }
            }
            if p[at] == UInt8(ascii: ".") {
                at += 1
                guard Self.isDigit(p[at]) else { return (at, "invalid number") }
                while Self.isDigit(p[at]) { at += 1 }
            }
            if p[at] == UInt8(ascii: "e") || p[at] == UInt8(ascii: "E") {
                at += 1
                if p[at] == UInt8(ascii: "+") || p[at] == UInt8(ascii: "-") { at += 1 }
                guard Self.isDigit(p[at]) else { return (at, "invalid number") }
                while Self.isDigit(p[at]) { at += 1 }
            }
            return (at, nil)
        }
        if let problem { throw fail(problem, at: start) }
        position = at
        return start..<position
    }

    /// The value of a scanned number, rounded as `strtod` rounds it (±infinity when out of range).
    package func double(_ v: Value) -> Double {
        bytes.withUnsafeBufferPointer { p in DecimalConversion.double(p.baseAddress! + v.range.lowerBound) }
    }

    /// The decoded text of a scanned string.
    package func text(_ v: Value) throws -> String {
        let raw = bytes[(v.range.lowerBound + 1)..<(v.range.upperBound - 1)]
        if !raw.contains(UInt8(ascii: "\\")) { return String(decoding: raw, as: UTF8.self) }
        let decoded = try JSONSerialization.jsonObject(with: Data(bytes[v.range]), options: [.fragmentsAllowed])
        guard let s = decoded as? String else { throw fail("invalid string", at: v.range.lowerBound) }
        return s
    }

    /// The elements of a scanned array.
    package func elements(_ v: Value) throws -> [Value] {
        var sub = self
        sub.position = v.range.lowerBound + 1
        var out: [Value] = []
        if sub.consume(UInt8(ascii: "]")) { return out }
        repeat { out.append(try sub.value(depth: 1)) } while sub.consume(UInt8(ascii: ","))
        return out
    }

    /// The members of a scanned object, in order (duplicate keys included, as written).
    package func members(_ v: Value) throws -> [(key: String, value: Value)] {
        var sub = self
        sub.position = v.range.lowerBound + 1
        var out: [(key: String, value: Value)] = []
        if sub.consume(UInt8(ascii: "}")) { return out }
        repeat {
            sub.skipWhitespace()
            let key = try sub.text(Value(kind: .string, range: try sub.string()))
            try sub.expect(UInt8(ascii: ":"), "':'")
            out.append((key, try sub.value(depth: 1)))
        } while sub.consume(UInt8(ascii: ","))
        return out
    }

    /// Line and column (1-based) of a byte offset, for error messages.
    package func location(_ offset: Int) -> (line: Int, column: Int) {
        var line = 1, column = 1
        for k in 0..<min(offset, end) {
            if bytes[k] == 0x0A {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return (line, column)
    }
}
