import Dispatch
@testable import NeuralCore
import Synchronization
import Testing

/// The worker pool runs every item exactly once, whatever the thread count, and nested or concurrent loops
/// complete (they run on their caller alone).
@Suite struct WorkerPoolTests {
    /// Counts per item, written by whichever thread runs the item.
    final class Counts: Sendable {
        let slots: Mutex<[Int]>
        init(_ n: Int) { slots = Mutex(Array(repeating: 0, count: n)) }
        func hit(_ i: Int) { slots.withLock { $0[i] += 1 } }
        var all: [Int] { slots.withLock { $0 } }
    }

    @Test(arguments: [0, 1, 2, 3, 17, 1000])
    func everyItemRunsOnce(count: Int) {
        for threads in [1, 2, 3, 64] {
            for _ in 0..<20 {
                let counts = Counts(count)
                WorkerPool.shared.forEach(count, threads: threads) { counts.hit($0) }
                #expect(counts.all == Array(repeating: 1, count: count), "threads \(threads)")
            }
        }
    }

    @Test func nestedLoopsRunOnTheirCaller() {
        let counts = Counts(8 * 8)
        WorkerPool.shared.forEach(8, threads: 4) { outer in
            WorkerPool.shared.forEach(8, threads: 4) { inner in counts.hit(outer * 8 + inner) }
        }
        #expect(counts.all == Array(repeating: 1, count: 64))
    }

    @Test func concurrentCallersAllFinish() {
        let counts = Counts(4 * 500)
        DispatchQueue.concurrentPerform(iterations: 4) { caller in
            for round in 0..<5 {
                WorkerPool.shared.forEach(100, threads: 2) { counts.hit(caller * 500 + round * 100 + $0) }
            }
        }
        #expect(counts.all == Array(repeating: 1, count: 2000))
    }
}
