import Foundation
import JSONScanning
import Testing

/// The one JSON writer: hostile strings and extreme numbers come back unchanged through Foundation's parser and
/// through DetectKit's own scanner.
@Suite struct JSONValueTests {
    /// Quotes, backslashes, every control character, a lone solidus, line and paragraph separators, characters
    /// outside the BMP, combining marks, text that looks like JSON.
    static let hostile: [String] = [
        "", "\"", "\\", "\\\"", "say \"hi\"", "C:\\path\\to\\file", "/", "</script>", "\u{2028}\u{2029}", "😀 e\u{301}",
        "{\"a\": [1, 2]}", "null", "tab\there", "line\nbreak", "cr\rlf", "\u{7F}",
        String((0..<32).map { Character(Unicode.Scalar(UInt8($0))) }),
    ]

    @Test func stringsRoundTrip() throws {
        for s in Self.hostile {
            let text = JSONValue.object([("label", .string(s)), (s, .array([.string(s)]))]).text
            let parsed = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(text)")
            #expect(parsed["label"] as? String == s)
            #expect((parsed[s] as? [String])?.first == s)
            var scanner = JSONScanner(Data(text.utf8))
            let value = try scanner.value(depth: 0)
            #expect(value.kind == .object && scanner.atEnd)
        }
        #expect(JSONValue.string("a\u{0}b\u{1F}").text == "\"a\\u0000b\\u001f\"")
    }

    @Test func numbersReadBackAsTheSameValue() throws {
        let floats: [Float] = [0, -0.0, 0.1, 1, -1.5, .leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude,
                               -.greatestFiniteMagnitude, 1e-5, 3e38, 123456.79]
        let doubles: [Double] = [0.1, 5e-324, .greatestFiniteMagnitude, 1e300, -2.5e-308]
        let text = JSONValue.array(floats.map { .float($0) } + doubles.map { .double($0) } + [.int(.max), .int(.min)]).text
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [NSNumber], "\(text)")
        for (k, f) in floats.enumerated() { #expect(parsed[k].floatValue == f, "\(f) written as \(text)") }
        for (k, d) in doubles.enumerated() { #expect(parsed[floats.count + k].doubleValue == d) }
        #expect(parsed[floats.count + doubles.count].int64Value == .max && parsed.last?.int64Value == .min)
    }

    /// JSON has no NaN or infinity: they are written as null, so the document stays valid.
    @Test func nonFiniteNumbersAreNull() throws {
        let text = JSONValue.array([.float(.nan), .float(.infinity), .double(-.infinity), .double(.nan)]).text
        #expect(text == "[null, null, null, null]")
        #expect(try JSONSerialization.jsonObject(with: Data(text.utf8)) is [Any])
    }

    @Test func layoutIsPythonsDefault() {
        let value = JSONValue.object([("a", .int(1)), ("b", .array([.double(2.5), .string("x"), .null, .bool(true)]))])
        #expect(value.text == "{\"a\": 1, \"b\": [2.5, \"x\", null, true]}")
        #expect(JSONValue.object([]).text == "{}" && JSONValue.array([]).text == "[]")
    }
}
