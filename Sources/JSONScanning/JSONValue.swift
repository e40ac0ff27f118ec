/// A JSON document to write, and the one writer every JSON DetectKit produces goes through (COCO results,
/// labels, embeddings, `--json` rows, timing lines), so that every string is escaped and every number is valid.
///
/// The text looks like Python's `json.dumps` with its defaults: `{"a": 1, "b": [2.5, "x"]}`. Strings escape `"`,
/// `\` and every control character (`\n`, `\r`, `\t`, `\b`, `\f`, else `\u00XX`); everything else is written as
/// UTF-8. Numbers are written in the shortest form that reads back as the same value (`Float` and `Double`
/// separately: `0.1` as a `Float` is `0.1`, not `0.10000000149011612`); JSON has no NaN or infinity, so a
/// non-finite number is written as `null`. Package-internal.
package indirect enum JSONValue: Sendable, Equatable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// An integer.
    case int(Int)
    /// A single-precision number, in its own shortest form.
    case float(Float)
    /// A double-precision number, in its own shortest form.
    case double(Double)
    /// A string, escaped.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object; keys in the order given.
    case object([(String, JSONValue)])
    /// Text that already is one valid JSON value (a record read from a file, carried through byte for byte).
    case verbatim(String)

    /// Equal when the written text is.
    package static func == (a: JSONValue, b: JSONValue) -> Bool { a.text == b.text }

    /// The value as JSON text.
    package var text: String {
        var out = ""
        write(into: &out)
        return out
    }

    /// Appends the value's JSON text to `out`.
    package func write(into out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        // Swift's shortest round-trip forms (`1.0`, `0.1`, `1e-05`, `3.4028235e+38`) are valid JSON numbers.
        case .float(let f): out += f.isFinite ? f.description : "null"
        case .double(let d): out += d.isFinite ? d.description : "null"
        case .string(let s): Self.writeString(s, into: &out)
        case .verbatim(let v): out += v
        case .array(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += ", " }
                item.write(into: &out)
            }
            out += "]"
        case .object(let fields):
            out += "{"
            for (i, (key, value)) in fields.enumerated() {
                if i > 0 { out += ", " }
                Self.writeString(key, into: &out)
                out += ": "
                value.write(into: &out)
            }
            out += "}"
        }
    }

    /// `s` as a JSON string literal.
    private static func writeString(_ s: String, into out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\u{00}"..."\u{1F}":
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
