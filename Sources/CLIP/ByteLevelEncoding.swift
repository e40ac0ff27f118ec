/// The byte-level alphabet of GPT-2 and CLIP's BPE (`bytes_to_unicode` in openai/CLIP's simple_tokenizer.py):
/// every byte is written as one printable character, so that BPE merges work on text without whitespace or
/// control characters. The printable Latin-1 bytes `!`...`~`, `¡`...`¬` and `®`...`ÿ` stand for themselves; the
/// other 68 bytes, in increasing order, take U+0100, U+0101, ... (so a space is `Ġ`, U+0120).
enum ByteLevelEncoding {
    /// The character that stands for each byte.
    static let characters: [Unicode.Scalar] = {
        var table = [Unicode.Scalar](repeating: " ", count: 256)
        var next: UInt32 = 256
        for byte in 0..<256 {
            let printable = (0x21...0x7E).contains(byte) || (0xA1...0xAC).contains(byte) || (0xAE...0xFF).contains(byte)
            if printable {
                table[byte] = Unicode.Scalar(UInt8(byte))
            } else {
                table[byte] = Unicode.Scalar(next)!
                next += 1
            }
        }
        return table
    }()

    /// The byte a character of the alphabet stands for, or nil for a character outside it.
    static func byte(for scalar: Unicode.Scalar) -> UInt8? {
        let v = scalar.value
        if (0x21...0x7E).contains(v) || (0xA1...0xAC).contains(v) || (0xAE...0xFF).contains(v) { return UInt8(v) }
        guard v >= 256, v < 256 + 68 else { return nil }
        return UInt8(nonPrintable[Int(v - 256)])
    }

    /// The bytes that are not printable, in increasing order (the ones mapped to U+0100 and up).
    private static let nonPrintable: [UInt8] = (0..<256).compactMap { byte in
        let printable = (0x21...0x7E).contains(byte) || (0xA1...0xAC).contains(byte) || (0xAE...0xFF).contains(byte)
        return printable ? nil : UInt8(byte)
    }
}
