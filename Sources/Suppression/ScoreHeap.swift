/// A binary max-heap of `(score, position)`: highest score first, equal scores by lower position.
///
/// The soft methods push a new entry each time a box's score decays and skip stale entries when they pop
/// (an entry is stale when its score is no longer the box's current score), which keeps every operation
/// O(log n) without decrease-key.
struct ScoreHeap {
    private var scores: [Float] = []
    private var positions: [Int32] = []

    /// A heap of every position with its score.
    init(_ initial: [Float]) {
        scores = initial
        positions = (0..<Int32(initial.count)).map { $0 }
        var i = scores.count / 2 - 1
        while i >= 0 {
            siftDown(i)
            i -= 1
        }
    }

    var isEmpty: Bool { scores.isEmpty }

    @inline(__always)
    private func above(_ a: Int, _ b: Int) -> Bool {
        scores[a] != scores[b] ? scores[a] > scores[b] : positions[a] < positions[b]
    }

    mutating func push(_ score: Float, _ position: Int) {
        scores.append(score)
        positions.append(Int32(position))
        var i = scores.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard above(i, parent) else { break }
            scores.swapAt(i, parent)
            positions.swapAt(i, parent)
            i = parent
        }
    }

    mutating func pop() -> (score: Float, position: Int)? {
        guard let top = scores.first else { return nil }
        let position = Int(positions[0])
        let last = scores.count - 1
        scores.swapAt(0, last)
        positions.swapAt(0, last)
        scores.removeLast()
        positions.removeLast()
        siftDown(0)
        return (top, position)
    }

    private mutating func siftDown(_ start: Int) {
        var i = start
        let n = scores.count
        while true {
            let l = 2 * i + 1, r = l + 1
            var best = i
            if l < n && above(l, best) { best = l }
            if r < n && above(r, best) { best = r }
            if best == i { return }
            scores.swapAt(i, best)
            positions.swapAt(i, best)
            i = best
        }
    }
}
