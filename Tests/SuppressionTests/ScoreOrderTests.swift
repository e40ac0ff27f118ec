import DetectKitTestSupport
import DetectKitUtilities
import Suppression
import Testing

@Suite struct ScoreOrderTests {
    /// The radix path (≥ 64 scores) and the insertion path agree with a stable comparison sort.
    @Test(arguments: [0, 1, 5, 63, 64, 65, 1000, 50_000])
    func stableDescending(count: Int) {
        var rng = SplitMix64(seed: UInt64(count))
        let pool: [Float] = [0, -0.0, 1, -1, 0.5, 0.25, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
                             .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .infinity, -.infinity]
        let scores = (0..<count).map { _ in
            Bool.random(using: &rng) ? pool.randomElement(using: &rng)! : Float.random(in: -2...2, using: &rng)
        }
        let expected = scores.indices.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }
        #expect(ScoreOrder.descending(scores) == expected)
    }
}
