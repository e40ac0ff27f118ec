import Dispatch
import NeuralCore

/// Runs `body` again and again until one of the worker-pool loops inside it was really shared with a worker
/// thread, for up to `seconds`, and returns the last result and whether that happened.
///
/// A pool loop that finds the pool busy (another test running at the same time) runs on its caller alone; a
/// thread-count test that did not check this could compare a serial run with a serial run. (While the tally is
/// bound, a loop that does get the pool waits for a worker to take its first item.) Other tests keeping the pool
/// busy can make it take several runs, hence a time budget rather than a count.
public func onSeveralThreads<T>(seconds: Double = 20, _ body: () throws -> T) rethrows -> (result: T, helped: Bool) {
    let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e9)
    while true {
        let tally = WorkerPool.Tally()
        let result = try WorkerPool.$tally.withValue(tally) { try body() }
        if tally.helperItems > 0 || DispatchTime.now().uptimeNanoseconds >= deadline { return (result, tally.helperItems > 0) }
    }
}
