/// A tournament tree over positions keyed by their current score: the root is the best remaining position
/// (highest score, equal scores by lower position).
///
/// Made for the soft methods, whose scores only ever go down: lowering a score re-plays matches up the tree only
/// while that position was the winner; reading the best is O(1). The soft loop lowers a key only when a stale
/// one reaches the root (see ``SoftSelection``).
/// Each node is one `UInt64` key, `(score in an order-preserving bit form) << 32 | (UInt32.max - position)`, so
/// a match is a single integer `max`, and a removed position has key 0, below every real one.
final class ScoreTree {
    private let keys: UnsafeMutablePointer<UInt64>
    private let leaves: Int

    /// A tree over `scores` by position (scores must not be NaN).
    init(_ scores: [Float]) {
        var m = 1
        while m < scores.count { m <<= 1 }
        leaves = m
        keys = .allocate(capacity: 2 * m)
        keys.initialize(repeating: 0, count: 2 * m)
        for (i, s) in scores.enumerated() { keys[m + i] = Self.key(s, i) }
        var node = m - 1
        while node >= 1 {
            keys[node] = max(keys[2 * node], keys[2 * node + 1])
            node -= 1
        }
    }

    deinit { keys.deallocate() }

    /// The best remaining position and its score, or nil when none is left.
    var best: (score: Float, position: Int)? {
        let k = keys[1]
        guard k != 0 else { return nil }
        let bits = UInt32(truncatingIfNeeded: k >> 32)
        let score = Float(bitPattern: bits & 0x8000_0000 != 0 ? bits & 0x7FFF_FFFF : ~bits)
        return (score, Int(UInt32.max - UInt32(truncatingIfNeeded: k)))
    }

    /// Sets the score of a position to a lower value.
    func lower(_ p: Int, to value: Float) { replace(p, with: Self.key(value, p)) }

    /// Takes a position out.
    func remove(_ p: Int) { replace(p, with: 0) }

    @inline(__always)
    private func replace(_ p: Int, with key: UInt64) {
        var node = leaves + p
        keys[node] = key
        node >>= 1
        while node >= 1 {
            let k = max(keys[2 * node], keys[2 * node + 1])
            if k == keys[node] { return }  // this subtree's winner is unchanged
            keys[node] = k
            node >>= 1
        }
    }

    /// Order-preserving key: higher score first, then lower position. `-0` and `+0` are the same score.
    @inline(__always)
    private static func key(_ score: Float, _ p: Int) -> UInt64 {
        let bits = (score == 0 ? 0 : score).bitPattern
        let ordered = bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000
        return UInt64(ordered) << 32 | UInt64(UInt32.max - UInt32(p))
    }
}
