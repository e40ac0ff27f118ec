/// The order-preserving integer key of a score: keys compare as unsigned integers exactly as the scores compare as
/// floats (negatives below positives, `-0` the same as `+0`), so a radix sort or an integer maximum orders scores.
/// ``ScoreOrder`` and ``ScoreTree`` use it.
enum ScoreKey {
    /// The key of `score`: the sign bit flipped for positives, every bit for negatives.
    @inline(__always)
    static func ascending(_ score: Float) -> UInt32 {
        let bits = (score == 0 ? 0 : score).bitPattern  // canonical +0
        return bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000
    }

    /// The score of a key made by ``ascending(_:)``.
    @inline(__always)
    static func score(_ key: UInt32) -> Float {
        Float(bitPattern: key & 0x8000_0000 != 0 ? key & 0x7FFF_FFFF : ~key)
    }
}
