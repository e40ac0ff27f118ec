/// Timing for the `bench` commands.
enum BenchTiming {
    /// The median wall time of `samples` runs of `body` (at least one), in seconds.
    static func median(samples: Int, _ body: () throws -> Void) rethrows -> Double {
        var times: [Double] = []
        for _ in 0..<max(samples, 1) {
            let start = ContinuousClock.now
            try body()
            let d = ContinuousClock.now - start
            times.append(Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18)
        }
        times.sort()
        return times[times.count / 2]
    }
}
