/// HTML character references decoded as CLIP's text cleaning decodes them: Python's `html.unescape` (which
/// open_clip's `basic_clean` runs twice) and ftfy's stricter `unescape_html` (a step of `ftfy.fix_text`). Both
/// work on Unicode scalars, as Python works on code points.
enum HTMLUnescaping {
    typealias Scalars = [Unicode.Scalar]

    /// Python's `html.entities.html5`: names (with the `;`, or without it for the legacy ones) to characters.
    private static let html5: [Scalars: Scalars] = parse(TextCleaningTables.html5Entities)

    /// ftfy's `HTML_ENTITIES`, without the `&`: every HTML5 name that ends in `;`, plus the upper-case spellings.
    private static let ftfyEntities: [Scalars: Scalars] = {
        var table = html5.filter { $0.key.last == ";" }
        for (name, value) in parse(TextCleaningTables.ftfyUpperCaseEntities) { table[name] = value }
        return table
    }()

    private static func parse(_ text: String) -> [Scalars: Scalars] {
        var table: [Scalars: Scalars] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ")
            guard parts.count == 2 else { continue }
            let value = parts[1].split(separator: ",").compactMap { UInt32($0, radix: 16).flatMap(Unicode.Scalar.init) }
            table[Array(parts[0].unicodeScalars)] = value
        }
        return table
    }

    private static func isASCIIDigit(_ c: Unicode.Scalar) -> Bool { c.value >= 0x30 && c.value <= 0x39 }

    private static func isASCIIHexDigit(_ c: Unicode.Scalar) -> Bool {
        isASCIIDigit(c) || (c.value >= 0x41 && c.value <= 0x46) || (c.value >= 0x61 && c.value <= 0x66)
    }

    private static func isASCIIAlphanumeric(_ c: Unicode.Scalar) -> Bool {
        isASCIIDigit(c) || (c.value >= 0x41 && c.value <= 0x5A) || (c.value >= 0x61 && c.value <= 0x7A)
    }

    /// A numeric reference's characters, as `html._replace_charref` gives them.
    private static func numericReference(_ digits: ArraySlice<Unicode.Scalar>, radix: UInt32) -> Scalars {
        var value: UInt32 = 0
        var overflow = false
        for d in digits where !overflow {
            let v = d.value
            let digit: UInt32 = v <= 0x39 ? v - 0x30 : (v | 0x20) - 0x61 + 10
            let (m, o1) = value.multipliedReportingOverflow(by: radix)
            let (s, o2) = m.addingReportingOverflow(digit)
            overflow = o1 || o2
            value = s
        }
        if !overflow, let replacement = TextCleaningTables.invalidCharacterReferences[value] {
            return Array(replacement.unicodeScalars)
        }
        if overflow || (0xD800...0xDFFF).contains(value) || value > 0x10FFFF { return ["\u{FFFD}"] }
        if TextCleaningTables.invalidCodePoints.contains(value) { return [] }
        return [Unicode.Scalar(value)!]
    }

    /// Python's `html.unescape`: numeric references (`&#38;`, `&#x26;`, with or without `;`) and named ones,
    /// including the legacy names that need no `;` and the longest-legacy-prefix rule (`&notit;` is `¬it;`).
    static func pythonUnescape(_ s: Scalars) -> Scalars {
        guard s.contains("&") else { return s }
        var out: Scalars = []
        out.reserveCapacity(s.count)
        var i = 0
        let n = s.count
        while i < n {
            let c = s[i]
            guard c == "&", i + 1 < n else {
                out.append(c)
                i += 1
                continue
            }
            var j = i + 1
            if s[j] == "#" {
                j += 1
                if j < n, isASCIIDigit(s[j]) {
                    let start = j
                    while j < n, isASCIIDigit(s[j]) { j += 1 }
                    out += numericReference(s[start..<j], radix: 10)
                    if j < n, s[j] == ";" { j += 1 }
                    i = j
                    continue
                }
                if j + 1 < n, s[j] == "x" || s[j] == "X", isASCIIHexDigit(s[j + 1]) {
                    let start = j + 1
                    j += 1
                    while j < n, isASCIIHexDigit(s[j]) { j += 1 }
                    out += numericReference(s[start..<j], radix: 16)
                    if j < n, s[j] == ";" { j += 1 }
                    i = j
                    continue
                }
                out.append(c)  // `&#` that is no reference: the `&` stays, scanning goes on at `#`
                i += 1
                continue
            }
            // [^\t\n\f <&#;]{1,32};?
            while j < n, j - (i + 1) < 32 {
                let v = s[j].value
                if v == 0x09 || v == 0x0A || v == 0x0C || v == 0x20 || v == 0x3C || v == 0x26 || v == 0x23 || v == 0x3B {
                    break
                }
                j += 1
            }
            guard j > i + 1 else {
                out.append(c)
                i += 1
                continue
            }
            if j < n, s[j] == ";" { j += 1 }
            let name = Array(s[(i + 1)..<j])
            if let value = html5[name] {
                out += value
            } else {
                var found = false
                var x = name.count - 1
                while x > 1 {
                    if let value = html5[Array(name[0..<x])] {
                        out += value
                        out += name[x...]
                        found = true
                        break
                    }
                    x -= 1
                }
                if !found {
                    out.append("&")
                    out += name
                }
            }
            i = j
        }
        return out
    }

    /// ftfy's `unescape_html`: each `&#?[0-9A-Za-z]{1,24};` that is an HTML5 entity ending in `;` or one of
    /// ftfy's upper-case spellings (`&EACUTE;`), or a numeric reference that `html.unescape` decodes completely.
    static func ftfyUnescape(_ s: Scalars) -> Scalars {
        guard s.contains("&") else { return s }
        var out: Scalars = []
        out.reserveCapacity(s.count)
        var i = 0
        let n = s.count
        while i < n {
            let c = s[i]
            guard c == "&" else {
                out.append(c)
                i += 1
                continue
            }
            var j = i + 1
            let numeric = j < n && s[j] == "#"
            if numeric { j += 1 }
            let start = j
            while j < n, j - start < 25, isASCIIAlphanumeric(s[j]) { j += 1 }
            guard j > start, j - start <= 24, j < n, s[j] == ";" else {
                out.append(c)
                i += 1
                continue
            }
            let match = Array(s[i...j])  // `&...;`
            if !numeric, let value = ftfyEntities[Array(match.dropFirst())] {
                out += value
            } else if numeric {
                let decoded = pythonUnescape(match)
                out += decoded.contains(";") ? match : decoded
            } else {
                out += match
            }
            i = j + 1
        }
        return out
    }
}
