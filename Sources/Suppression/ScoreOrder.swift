/// Stable descending order of scores: equal scores keep their input order (torchvision's `sort(stable=True)`).
///
/// Large inputs use a three-pass least-significant-digit radix sort over the scores' bit patterns (stable by
/// construction, O(n)); small ones use insertion sort. `-0` and `+0` compare equal, as with `<`.
public enum ScoreOrder {
    /// Positions of `scores` from highest to lowest score; ties by position. Scores must not be NaN.
    public static func descending(_ scores: [Float]) -> [Int] {
        let n = scores.count
        if n < 64 {
            var order = [Int](0..<n)
            for i in 1..<max(n, 1) {
                let p = order[i]
                var j = i
                while j > 0 && scores[order[j - 1]] < scores[p] {
                    order[j] = order[j - 1]
                    j -= 1
                }
                order[j] = p
            }
            return order
        }
        var keys = [UInt32](repeating: 0, count: n)
        var index = [Int32](repeating: 0, count: n)
        for i in 0..<n {
            keys[i] = ~ScoreKey.ascending(scores[i])
            index[i] = Int32(i)
        }
        var keys2 = keys
        var index2 = index
        var counts = [Int](repeating: 0, count: 2048)
        for shift in [0, 11, 22] as [UInt32] {
            for k in 0..<2048 { counts[k] = 0 }
            for i in 0..<n { counts[Int((keys[i] >> shift) & 0x7FF)] += 1 }
            var sum = 0
            for k in 0..<2048 {
                let c = counts[k]
                counts[k] = sum
                sum += c
            }
            for i in 0..<n {
                let d = Int((keys[i] >> shift) & 0x7FF)
                let to = counts[d]
                counts[d] = to + 1
                keys2[to] = keys[i]
                index2[to] = index[i]
            }
            swap(&keys, &keys2)
            swap(&index, &index2)
        }
        return index.map { Int($0) }
    }
}
