/// A tournament tree over positions keyed by their current score: the root is the best remaining position
/// (highest score, equal scores by lower position).
///
/// Made for the soft methods, whose scores only ever go down: lowering a score re-plays matches up the tree only
/// while that position was the winner; reading the best is O(1). The soft loop lowers a key only when a stale one
/// reaches the root (see ``SoftSelection``). Each node is one `UInt64` key,
/// `(score in an order-preserving bit form) << 32 | (UInt32.max - position)`, so a match is an integer `max`, and
/// a removed position has key 0, below every real one. The tree is 8-ary: a node's children fill one 64-byte cache
/// line, and a path from leaf to root is ⌈log8 n⌉ steps.
final class ScoreTree {
    /// Level 0 holds the leaves; level `k + 1` holds the maxima of groups of eight nodes of level `k`; the last
    /// level has one node, the root.
    private let levels: [UnsafeMutablePointer<UInt64>]

    /// A tree over `scores` by position (scores must not be NaN).
    init(_ scores: [Float]) {
        var width = Swift.max(scores.count, 1)
        var leaves = Self.level(width)
        for (i, s) in scores.enumerated() { leaves[i] = Self.key(s, i) }
        var all = [leaves]
        while width > 1 {
            let below = leaves
            width = (width + 7) / 8
            leaves = Self.level(width)
            for j in 0..<width { leaves[j] = Self.maximum(below + 8 * j) }
            all.append(leaves)
        }
        levels = all
    }

    /// A zeroed level of `width` nodes, padded to a multiple of eight.
    private static func level(_ width: Int) -> UnsafeMutablePointer<UInt64> {
        let padded = (width + 7) / 8 * 8
        let p = UnsafeMutablePointer<UInt64>.allocate(capacity: padded)
        p.initialize(repeating: 0, count: padded)
        return p
    }

    deinit { for level in levels { level.deallocate() } }

    /// The best remaining position and its score, or nil when none is left.
    var best: (score: Float, position: Int)? {
        let k = levels[levels.count - 1][0]
        guard k != 0 else { return nil }
        let score = ScoreKey.score(UInt32(truncatingIfNeeded: k >> 32))
        return (score, Int(UInt32.max - UInt32(truncatingIfNeeded: k)))
    }

    /// Sets the score of a position to a lower value.
    func lower(_ p: Int, to value: Float) { replace(p, with: Self.key(value, p)) }

    /// Takes a position out.
    func remove(_ p: Int) { replace(p, with: 0) }

    @inline(__always)
    private func replace(_ p: Int, with key: UInt64) {
        var index = p
        levels[0][index] = key
        for k in 1..<levels.count {
            let group = index & ~7
            index >>= 3
            let m = Self.maximum(levels[k - 1] + group)
            if m == levels[k][index] { return }  // this subtree's winner is unchanged
            levels[k][index] = m
        }
    }

    /// The largest of eight consecutive keys.
    @inline(__always)
    private static func maximum(_ p: UnsafeMutablePointer<UInt64>) -> UInt64 {
        Swift.max(Swift.max(Swift.max(p[0], p[1]), Swift.max(p[2], p[3])), Swift.max(Swift.max(p[4], p[5]), Swift.max(p[6], p[7])))
    }

    /// Order-preserving key: higher score first, then lower position. `-0` and `+0` are the same score.
    @inline(__always)
    private static func key(_ score: Float, _ p: Int) -> UInt64 {
        UInt64(ScoreKey.ascending(score)) << 32 | UInt64(UInt32.max - UInt32(p))
    }
}
