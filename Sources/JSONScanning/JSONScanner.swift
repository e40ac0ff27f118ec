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
        // A regular file is read straight into a buffer of its size (no intermediate copies); anything else (a
        // pipe, a device) to its end, in chunks.
        var status = stat()
        guard fstat(handle.fileDescriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
            var out = [UInt8]()
            while let chunk = try handle.read(upToCount: 1 << 16), !chunk.isEmpty { out.append(contentsOf: chunk) }
            return out
        }
        let size = Int(status.st_size)
        var failure: Int32 = 0
        var out = [UInt8](unsafeUninitializedCapacity: size + 1) { buffer, count in
            count = 0
            while count < size {
                let n = read(handle.fileDescriptor, buffer.baseAddress! + count, size - count)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else {
                    failure = n < 0 ? errno : 0
                    return
                }
                count += n
            }
        }
        if failure != 0 { throw CocoaError(.fileReadUnknown, userInfo: [NSUnderlyingErrorKey: POSIXError(POSIXErrorCode(rawValue: failure) ?? .EIO)]) }
        // The file grew while being read: the rest too.
        while let chunk = try handle.read(upToCount: 1 << 16), !chunk.isEmpty { out.append(contentsOf: chunk) }
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

    /// Consumes a member's name and its `:` when the name is written exactly as one of `names` (no escapes), trying
    /// them from `first` on (records usually repeat their fields in one order), and returns its position in
    /// `names`; nil, consuming nothing, when it is another name or written otherwise (then ``memberName()`` reads
    /// it). A name without quotes, backslashes or control characters is that string exactly when its bytes follow
    /// the opening quote and a quote follows them.
    package mutating func knownMemberName(_ names: [[UInt8]], first: Int) throws -> Int? {
        skipWhitespace()
        let start = position
        let found: Int? = bytes.withUnsafeBufferPointer { p in
            guard start < end, p[start] == UInt8(ascii: "\""), !names.isEmpty else { return nil }
            for k in 0..<names.count {
                let slot = (first + k) % names.count
                let found = names[slot].withUnsafeBufferPointer { n -> Bool in
                    let close = start + 1 + n.count
                    guard close < end, p[close] == UInt8(ascii: "\"") else { return false }
                    for i in 0..<n.count where p[start + 1 + i] != n[i] { return false }
                    return true
                }
                if found { return slot }
            }
            return nil
        }
        guard let found else { return nil }
        position = start + names[found].count + 2
        try expect(UInt8(ascii: ":"), "':'")
        return found
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

    /// The position in `names` of the bytes in `range` (a name as ``memberName()`` returns it, escapes undecoded).
    package func index(ofName range: Range<Int>, in names: [[UInt8]]) -> Int? {
        bytes.withUnsafeBufferPointer { p in
            let start = p.baseAddress! + range.lowerBound, count = range.count
            for (i, name) in names.enumerated() where name.count == count {
                if name.withUnsafeBufferPointer({ n in (0..<count).allSatisfy { start[$0] == n[$0] } }) { return i }
            }
            return nil
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
        sub.position = v.range.lowerBound
        return sub.readFourNumbers()?.numbers
    }

    /// Reads an array of exactly four numbers (a box) at the position (after whitespace) and returns it with its
    /// numbers; nil, with the position unchanged, when what comes next is anything else.
    package mutating func readFourNumbers() -> (value: Value, numbers: SIMD4<Double>)? {
        let start = position
        skipWhitespace()
        let open = position
        guard position < end, bytes[position] == UInt8(ascii: "[") else {
            position = start
            return nil
        }
        position += 1
        var out = SIMD4<Double>()
        for i in 0..<4 {
            skipWhitespace()
            guard let (_, number) = try? readNumber(), consume(i == 3 ? UInt8(ascii: "]") : UInt8(ascii: ",")) else {
                position = start
                return nil
            }
            out[i] = number
        }
        return (Value(kind: .array, range: open..<position), out)
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

    /// Scans a number in JSON's grammar: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    package mutating func number() throws -> Range<Int> {
        try readNumber(convert: false).range
    }

    /// Reads the number at the position (after whitespace) and returns its bytes and its value, rounded as
    /// ``double(_:)`` rounds it, in one pass.
    package mutating func readNumber() throws -> (range: Range<Int>, value: Double) {
        skipWhitespace()
        return try readNumber(convert: true)
    }

    private mutating func readNumber(convert: Bool) throws -> (range: Range<Int>, value: Double) {
        let start = position
        let scanned = bytes.withUnsafeBufferPointer { p in
            DecimalConversion.scan(p.baseAddress!, from: start, limit: p.count, convert: convert)
        }
        if let problem = scanned.problem { throw fail("\(problem)", at: start) }
        position = scanned.end
        return (start..<position, scanned.value)
    }

    /// The value of a scanned number, rounded as `strtod` rounds it (±infinity when out of range).
    package func double(_ v: Value) -> Double {
        bytes.withUnsafeBufferPointer { p in
            DecimalConversion.scan(p.baseAddress!, from: v.range.lowerBound, limit: p.count, convert: true).value
        }
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
