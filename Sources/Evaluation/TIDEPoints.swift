/// tidecv's `ClassedAPDataObject`: per category, in the order categories first appear, its scored points (score,
/// true positive or not, in the order they were added) and its ground-truth count; and its AP.
struct TIDEPoints {
    private(set) var categories: [Int] = []
    private var slot: [Int: Int] = [:]
    private(set) var points: [[(score: Double, isTrue: Bool)]] = []
    private(set) var groundTruth: [Int] = []

    private mutating func index(_ category: Int) -> Int {
        if let s = slot[category] { return s }
        slot[category] = categories.count
        categories.append(category)
        points.append([])
        groundTruth.append(0)
        return categories.count - 1
    }

    mutating func push(_ category: Int, _ score: Double, _ isTrue: Bool) { points[index(category)].append((score, isTrue)) }

    mutating func addGroundTruth(_ category: Int, _ count: Int) { groundTruth[index(category)] += count }

    /// The points and ground-truth count of `category` (none when it never appeared).
    func of(_ category: Int) -> (points: [(score: Double, isTrue: Bool)], groundTruth: Int) {
        guard let s = slot[category] else { return ([], 0) }
        return (points[s], groundTruth[s])
    }

    /// The mean over categories with points or a non-zero count, summed in their order; nil when there is none.
    func meanAP() -> Double? {
        var total = 0.0, n = 0
        for s in categories.indices where !points[s].isEmpty || groundTruth[s] != 0 {
            total += Self.averagePrecision(points[s], groundTruth: groundTruth[s])
            n += 1
        }
        return n == 0 ? nil : total / Double(n)
    }

    /// tidecv's `APDataObject.get_ap`: points by score (stable), precision made monotone from the right, read at
    /// recalls `k/100` (the first point whose recall reaches it, 0 past the last), summed, `/ 101 · 100`.
    static func averagePrecision(_ points: [(score: Double, isTrue: Bool)], groundTruth: Int) -> Double {
        guard groundTruth != 0 else { return 0 }
        let order = points.indices.sorted { points[$0].score != points[$1].score ? points[$0].score > points[$1].score : $0 < $1 }
        var precision: [Double] = [], recall: [Double] = []
        precision.reserveCapacity(order.count)
        recall.reserveCapacity(order.count)
        var tp = 0, fp = 0
        for k in order {
            if points[k].isTrue { tp += 1 } else { fp += 1 }
            precision.append(Double(tp) / Double(tp + fp))
            recall.append(Double(tp) / Double(groundTruth))
        }
        for i in stride(from: precision.count - 1, to: 0, by: -1) where precision[i] > precision[i - 1] {
            precision[i - 1] = precision[i]
        }
        var total = 0.0, first = 0
        for b in 0...100 {
            let x = Double(b) / 100
            while first < recall.count, recall[first] < x { first += 1 }  // recall never decreases
            total += first < precision.count ? precision[first] : 0
        }
        return total / 101 * 100
    }
}
