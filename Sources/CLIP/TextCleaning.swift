import Foundation

/// CLIP's text cleaning before tokenisation, as open_clip's `SimpleTokenizer` does it (openai/CLIP's
/// `basic_clean` then `whitespace_clean`, then lower-casing): `ftfy.fix_text`, `html.unescape` twice, strip,
/// every run of whitespace to one space, `str.lower()`.
///
/// Of ftfy 6.3.1's `fix_text` defaults this reproduces everything that applies to valid text, in ftfy's order and
/// repeated until nothing changes, one line (segment) at a time:
/// - `unescape_html` ("auto": HTML5 entities ending in `;`, ftfy's upper-case spellings such as `&EACUTE;`, and
///   numeric references; off from the first line that contains `<` on, as ftfy decides per line);
/// - `fix_c1_controls` (U+0080-U+009F read as Windows-1252: `\u{93}` is `“`);
/// - `fix_latin_ligatures` (`ﬁ` to `fi`, `Ĳ` to `IJ`, `ǅ` to `Dž`, ...);
/// - `fix_character_width` (full-width ASCII, U+3000 and half-width katakana/hangul to their NFKC forms);
/// - `uncurl_quotes` (U+2018-U+201B and U+02BC to `'`, U+201C-U+201F to `"`);
/// - `fix_line_breaks` (CRLF, CR, U+2028, U+2029, U+0085 to LF);
/// - `remove_terminal_escapes` (ANSI `ESC [ digits/; letter`);
/// - `remove_control_chars` (U+0000-U+0008, U+000B, U+000E-U+001F, U+007F, U+206A-U+206F, U+FEFF, U+FFF9-U+FFFC);
/// - NFC normalisation.
///
/// Not reproduced: `fix_encoding`, ftfy's heuristic repair of mojibake (`cafÃ©` to `café`), which acts only on
/// text its `is_bad` heuristic flags. (`fix_surrogates` has nothing to do: a Swift string holds no surrogates.)
///
/// Lower-casing is Python's: full mappings (`İ` to `i̇`) and the final-sigma rule (`ΟΔΟΣ` to `οδος`). Whitespace
/// is Python's `str.split()` whitespace (Unicode White_Space plus U+001C-U+001F). Character properties come from
/// Swift's Unicode tables, so characters assigned after Unicode 14 (Python 3.11's) may differ.
enum TextCleaning {
    typealias Scalars = [Unicode.Scalar]

    /// The cleaned text: open_clip's `_clean_lower`, with ftfy as described above.
    static func clean(_ text: String) -> Scalars {
        var s = Array(text.unicodeScalars)
        s = fixText(s)
        s = HTMLUnescaping.pythonUnescape(HTMLUnescaping.pythonUnescape(s))
        s = collapseWhitespace(s)
        return lowercased(s)
    }

    // MARK: ftfy

    /// `ftfy.fix_text` with `fix_encoding=False`: per line (each segment ends after a `\n`, or after 1,000,000
    /// characters), the fixers in order until the segment stops changing.
    static func fixText(_ s: Scalars) -> Scalars {
        if s.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F && $0 != "&" }) { return s }  // nothing to fix
        var out: Scalars = []
        out.reserveCapacity(s.count)
        var unescape = true
        var position = 0
        while position < s.count {
            var end = position
            while end < s.count, s[end] != "\n" { end += 1 }
            end = min(end < s.count ? end + 1 : s.count, position + 1_000_000)
            var segment = Array(s[position..<end])
            if unescape, segment.contains("<") { unescape = false }
            while true {
                let original = segment
                if unescape { segment = HTMLUnescaping.ftfyUnescape(segment) }
                segment = fixC1Controls(segment)
                segment = fixLatinLigatures(segment)
                segment = fixCharacterWidth(segment)
                segment = uncurlQuotes(segment)
                segment = fixLineBreaks(segment)
                segment = removeTerminalEscapes(segment)
                segment = removeControlCharacters(segment)
                segment = nfc(segment)
                if segment == original { break }
            }
            out += segment
            position = end
        }
        return out
    }

    /// Applies `transform` to every scalar, building a new array only when one changes.
    private static func mapScalars(_ s: Scalars, _ needs: (Unicode.Scalar) -> Bool,
                                   _ transform: (Unicode.Scalar, inout Scalars) -> Void) -> Scalars {
        guard s.contains(where: needs) else { return s }
        var out: Scalars = []
        out.reserveCapacity(s.count + 8)
        for c in s {
            if needs(c) { transform(c, &out) } else { out.append(c) }
        }
        return out
    }

    /// `fix_c1_controls`: U+0080-U+009F as the Windows-1252 bytes they would be (the five bytes Windows-1252
    /// leaves undefined stay as they are), the same table as HTML's numeric references.
    static func fixC1Controls(_ s: Scalars) -> Scalars {
        mapScalars(s, { $0.value >= 0x80 && $0.value <= 0x9F }) { c, out in
            if let r = TextCleaningTables.invalidCharacterReferences[c.value] { out += r.unicodeScalars } else { out.append(c) }
        }
    }

    private static let ligatures: [UInt32: String] = [
        0x132: "IJ", 0x133: "ij", 0x149: "\u{2BC}n", 0x1F1: "DZ", 0x1F2: "Dz", 0x1F3: "dz", 0x1C4: "D\u{17D}",
        0x1C5: "D\u{17E}", 0x1C6: "d\u{17E}", 0x1C7: "LJ", 0x1C8: "Lj", 0x1C9: "lj", 0x1CA: "NJ", 0x1CB: "Nj",
        0x1CC: "nj", 0xFB00: "ff", 0xFB01: "fi", 0xFB02: "fl", 0xFB03: "ffi", 0xFB04: "ffl", 0xFB05: "\u{17F}t",
        0xFB06: "st",
    ]

    /// `fix_latin_ligatures`: ftfy's `LIGATURES` table (Latin typographic ligatures and legacy digraphs).
    static func fixLatinLigatures(_ s: Scalars) -> Scalars {
        mapScalars(s, { ($0.value >= 0x132 && $0.value <= 0x1F3) || ($0.value >= 0xFB00 && $0.value <= 0xFB06) }) { c, out in
            if let r = ligatures[c.value] { out += r.unicodeScalars } else { out.append(c) }
        }
    }

    /// `fix_character_width`: ftfy's `WIDTH_MAP`.
    static func fixCharacterWidth(_ s: Scalars) -> Scalars {
        mapScalars(s, { $0.value == 0x3000 || ($0.value >= 0xFF01 && $0.value <= 0xFFEF) }) { c, out in
            if let r = TextCleaningTables.widthMap[c.value] { out += r.unicodeScalars } else { out.append(c) }
        }
    }

    /// `uncurl_quotes`.
    static func uncurlQuotes(_ s: Scalars) -> Scalars {
        mapScalars(s, { $0.value == 0x2BC || ($0.value >= 0x2018 && $0.value <= 0x201F) }) { c, out in
            out.append(c.value >= 0x201C && c.value <= 0x201F ? "\"" : "'")
        }
    }

    /// `fix_line_breaks`: CRLF, CR, U+2028, U+2029 and U+0085 to LF.
    static func fixLineBreaks(_ s: Scalars) -> Scalars {
        guard s.contains(where: { $0 == "\r" || $0 == "\u{2028}" || $0 == "\u{2029}" || $0 == "\u{85}" }) else { return s }
        var out: Scalars = []
        out.reserveCapacity(s.count)
        var i = 0
        while i < s.count {
            switch s[i] {
            case "\r":
                out.append("\n")
                if i + 1 < s.count, s[i + 1] == "\n" { i += 1 }
            case "\u{2028}", "\u{2029}", "\u{85}":
                out.append("\n")
            default:
                out.append(s[i])
            }
            i += 1
        }
        return out
    }

    /// `remove_terminal_escapes`: `\x1b\[((?:\d|;)*)([a-zA-Z])` removed (`\d` is any decimal digit, as in Python).
    static func removeTerminalEscapes(_ s: Scalars) -> Scalars {
        guard s.contains("\u{1B}") else { return s }
        var out: Scalars = []
        out.reserveCapacity(s.count)
        var i = 0
        while i < s.count {
            if s[i] == "\u{1B}", i + 1 < s.count, s[i + 1] == "[" {
                var j = i + 2
                while j < s.count, s[j] == ";" || s[j].properties.generalCategory == .decimalNumber { j += 1 }
                if j < s.count, (s[j].value >= 0x41 && s[j].value <= 0x5A) || (s[j].value >= 0x61 && s[j].value <= 0x7A) {
                    i = j + 1
                    continue
                }
            }
            out.append(s[i])
            i += 1
        }
        return out
    }

    private static func isRemovedControl(_ v: UInt32) -> Bool {
        v <= 0x08 || v == 0x0B || (v >= 0x0E && v <= 0x1F) || v == 0x7F || (v >= 0x206A && v <= 0x206F)
            || v == 0xFEFF || (v >= 0xFFF9 && v <= 0xFFFC)
    }

    /// `remove_control_chars`.
    static func removeControlCharacters(_ s: Scalars) -> Scalars {
        guard s.contains(where: { isRemovedControl($0.value) }) else { return s }
        return s.filter { !isRemovedControl($0.value) }
    }

    /// Whether `c` is one of the code points without NFC quick check Yes or with a combining class: text
    /// without them is in NFC already (Python's Unicode tables, ``TextCleaningTables/nfcQuickCheckRanges``).
    static func mayChangeInNFC(_ c: Unicode.Scalar) -> Bool {
        let v = c.value
        guard v >= 0x300 else { return false }
        let ranges = TextCleaningTables.nfcQuickCheckRanges
        var lo = 0, hi = ranges.count / 2  // the first range whose last code point is >= v
        while lo < hi {
            let mid = (lo + hi) / 2
            if ranges[2 * mid + 1] < v { lo = mid + 1 } else { hi = mid }
        }
        return lo < ranges.count / 2 && ranges[2 * lo] <= v
    }

    /// NFC (Unicode canonical composition), skipped for text that passes the NFC quick check.
    ///
    /// Runs of Hangul (conjoining jamo U+1100-U+11FF and syllables U+AC00-U+D7A3) are composed here, and the text
    /// between them by Foundation: Foundation's NFC on Linux (Swift 6.3) composes an archaic leading consonant
    /// such as U+1113 with a vowel into a code point past the syllables, and leaves an LV syllable followed by a
    /// trailing consonant (`개` U+AC1C + U+11AD) uncomposed. Splitting there is exact: jamo and syllables are
    /// starters that compose with nothing but each other.
    static func nfc(_ s: Scalars) -> Scalars {
        guard s.contains(where: mayChangeInNFC) else { return s }
        var out: Scalars = []
        out.reserveCapacity(s.count)
        var i = 0
        while i < s.count {
            let hangul = isHangul(s[i])
            var j = i + 1
            while j < s.count, isHangul(s[j]) == hangul { j += 1 }
            if hangul {
                composeHangul(s[i..<j], into: &out)
            } else if s[i..<j].contains(where: mayChangeInNFC) {
                var text = String.UnicodeScalarView()
                text.append(contentsOf: s[i..<j])
                out += String(text).precomposedStringWithCanonicalMapping.unicodeScalars
            } else {
                out += s[i..<j]
            }
            i = j
        }
        return out
    }

    private static func isHangul(_ c: Unicode.Scalar) -> Bool {
        (0x1100...0x11FF).contains(c.value) || (0xAC00...0xD7A3).contains(c.value)
    }

    /// Unicode's Hangul composition: leading consonant U+1100-U+1112 + vowel U+1161-U+1175 to an LV syllable,
    /// LV syllable + trailing consonant U+11A8-U+11C2 to an LVT syllable.
    private static func composeHangul(_ run: ArraySlice<Unicode.Scalar>, into out: inout Scalars) {
        var last: UInt32? = nil
        for c in run {
            let v = c.value
            if let l = last, (0x1100...0x1112).contains(l), (0x1161...0x1175).contains(v) {
                let lv = 0xAC00 + ((l - 0x1100) * 21 + (v - 0x1161)) * 28
                out[out.count - 1] = Unicode.Scalar(lv)!
                last = lv
            } else if let l = last, (0xAC00...0xD7A3).contains(l), (l - 0xAC00) % 28 == 0, (0x11A8...0x11C2).contains(v) {
                out[out.count - 1] = Unicode.Scalar(l + v - 0x11A7)!
                last = l + v - 0x11A7
            } else {
                out.append(c)
                last = v
            }
        }
    }

    // MARK: whitespace and case

    /// Python's `str.isspace()`: White_Space and the information separators U+001C-U+001F.
    static func isPythonWhitespace(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }

    /// `" ".join(text.split())`: runs of whitespace to one space, none at either end.
    static func collapseWhitespace(_ s: Scalars) -> Scalars {
        var out: Scalars = []
        out.reserveCapacity(s.count)
        var pendingSpace = false
        for c in s {
            if isPythonWhitespace(c) {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(" ") }
                pendingSpace = false
                out.append(c)
            }
        }
        return out
    }

    /// Python's `str.lower()`: full lower-case mappings, and capital sigma as final `ς` when a cased letter
    /// precedes it and none follows (skipping case-ignorable characters both ways), else `σ`.
    static func lowercased(_ s: Scalars) -> Scalars {
        var out: Scalars = []
        out.reserveCapacity(s.count)
        for (i, c) in s.enumerated() {
            let v = c.value
            if v < 0x80 {
                out.append(v >= 0x41 && v <= 0x5A ? Unicode.Scalar(UInt8(v + 0x20)) : c)
            } else if v == 0x3A3 {
                out.append(isFinalSigma(s, i) ? "\u{3C2}" : "\u{3C3}")
            } else if c.properties.changesWhenLowercased {
                out += c.properties.lowercaseMapping.unicodeScalars
            } else {
                out.append(c)
            }
        }
        return out
    }

    private static func isFinalSigma(_ s: Scalars, _ i: Int) -> Bool {
        var j = i - 1
        while j >= 0, s[j].properties.isCaseIgnorable { j -= 1 }
        guard j >= 0, s[j].properties.isCased else { return false }
        j = i + 1
        while j < s.count, s[j].properties.isCaseIgnorable { j += 1 }
        return j == s.count || !s[j].properties.isCased
    }
}
