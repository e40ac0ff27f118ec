/// CLIP's split of cleaned text into words before BPE: the matches, left to right, of openai/CLIP's pattern
///
///     <\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+
///
/// compiled case-insensitively by Python's `regex` module, written out without a regex engine. At each position
/// the first alternative that matches wins: a special token, an apostrophe contraction, a run of letters
/// (general category L*), one number character (N*), or a run of anything else that is not whitespace. Where
/// nothing matches (whitespace) the scan moves on one character.
///
/// Two effects of the case-insensitive matching are kept: `ſ` (U+017F, which case-folds to `s`) matches the `s`
/// of `'s` and of the special tokens, and U+0345 (combining ypogegrammeni, which folds to the letter `ι`) matches
/// no alternative at all, so it separates words like whitespace.
enum Pretokenization {
    /// One match.
    enum Piece: Equatable {
        /// `<|startoftext|>` or `<|endoftext|>` written exactly so (another case-insensitive match, such as
        /// `<|ſtartoftext|>`, is an ordinary word, as in openai/CLIP, where only the exact strings are cached).
        case startOfText, endOfText
        /// An ordinary word: a range of the cleaned text.
        case word(Range<Int>)
    }

    enum Class: UInt8 {
        case letter, number, whitespace, other
    }

    private static let asciiClasses: [Class] = (0..<128).map { v -> Class in
        switch v {
        case 0x41...0x5A, 0x61...0x7A: return .letter
        case 0x30...0x39: return .number
        case 0x09...0x0D, 0x20: return .whitespace
        default: return .other
        }
    }

    /// The character class the pattern sees (`\s` of Python's `regex`: White_Space; U+0345 as whitespace).
    static func classify(_ c: Unicode.Scalar) -> Class {
        let v = c.value
        if v < 0x80 { return asciiClasses[Int(v)] }
        switch v {
        case 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0x345:
            return .whitespace
        default:
            break
        }
        switch c.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return .letter
        case .decimalNumber, .letterNumber, .otherNumber: return .number
        default: return .other
        }
    }

    /// Whether `c` matches the pattern's lower-case ASCII letter `letter` case-insensitively.
    private static func matches(_ c: Unicode.Scalar, _ letter: Unicode.Scalar) -> Bool {
        c == letter || c.value == letter.value - 0x20 || (letter == "s" && c == "\u{17F}")
    }

    private static let startOfText = Array("<|startoftext|>".unicodeScalars)
    private static let endOfText = Array("<|endoftext|>".unicodeScalars)
    private static let contractions: [[Unicode.Scalar]] = ["s", "t", "re", "ve", "m", "ll", "d"].map {
        Array($0.unicodeScalars)
    }

    /// Length of a case-insensitive match of `literal` at `i`, or 0; `exact` tells whether it matched verbatim.
    private static func match(_ literal: [Unicode.Scalar], in s: [Unicode.Scalar], at i: Int) -> (Int, exact: Bool) {
        guard i + literal.count <= s.count else { return (0, false) }
        var exact = true
        for (k, l) in literal.enumerated() {
            let c = s[i + k]
            if c == l { continue }
            guard l.value >= 0x61, l.value <= 0x7A, matches(c, l) else { return (0, false) }
            exact = false
        }
        return (literal.count, exact)
    }

    /// Calls `body` with each match in order.
    static func forEachPiece(in s: [Unicode.Scalar], _ body: (Piece) -> Void) {
        let n = s.count
        var i = 0
        while i < n {
            let c = s[i]
            if c == "<" {
                let (startLength, startExact) = match(startOfText, in: s, at: i)
                if startLength > 0 {
                    body(startExact ? .startOfText : .word(i..<(i + startLength)))
                    i += startLength
                    continue
                }
                let (endLength, endExact) = match(endOfText, in: s, at: i)
                if endLength > 0 {
                    body(endExact ? .endOfText : .word(i..<(i + endLength)))
                    i += endLength
                    continue
                }
            } else if c == "'" {
                var found = 0
                for tail in contractions {
                    guard i + 1 + tail.count <= n else { continue }
                    if zip(tail, s[(i + 1)...]).allSatisfy({ matches($1, $0) }) {
                        found = 1 + tail.count
                        break
                    }
                }
                if found > 0 {
                    body(.word(i..<(i + found)))
                    i += found
                    continue
                }
            }
            let cls = classify(c)
            switch cls {
            case .whitespace:
                i += 1
            case .number:
                body(.word(i..<(i + 1)))
                i += 1
            case .letter, .other:
                var j = i + 1
                while j < n, classify(s[j]) == cls { j += 1 }
                body(.word(i..<j))
                i = j
            }
        }
    }
}
