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
        // Raw buffers: this sort runs on every group of every method, and bounds checks doubled its time.
        let keys = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: 2 * n)
        let index = UnsafeMutableBufferPointer<Int32>.allocate(capacity: 2 * n)
        let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: 2048)
        defer {
            keys.deallocate()
            index.deallocate()
            counts.deallocate()
        }
        for i in 0..<n {
            keys[i] = ~ScoreKey.ascending(scores[i])
            index[i] = Int32(i)
        }
        var from = 0, to = n  // the two halves of `keys` and `index` take turns
        for shift in [0, 11, 22] as [UInt32] {
            for k in 0..<2048 { counts[k] = 0 }
            for i in 0..<n { counts[Int((keys[from + i] >> shift) & 0x7FF)] += 1 }
            var sum = 0
            for k in 0..<2048 {
                let c = counts[k]
                counts[k] = sum
                sum += c
            }
            for i in 0..<n {
                let key = keys[from + i]
                let d = Int((key >> shift) & 0x7FF)
                let slot = counts[d]
                counts[d] = slot + 1
                keys[to + slot] = key
                index[to + slot] = index[from + i]
            }
            swap(&from, &to)
        }
        return (0..<n).map { Int(index[from + $0]) }
    }
}
