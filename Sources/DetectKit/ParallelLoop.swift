import Foundation
import Synchronization

/// A parallel loop whose threads are its own: the caller and `threads − 1` new threads each take the next index
/// not yet taken until none is left. Unlike `DispatchQueue.concurrentPerform`, it really runs on `threads` threads
/// when called from inside another parallel loop (a batch of images whose each image runs its tiles in parallel),
/// where libdispatch runs a nested apply on its caller alone.
enum ParallelLoop {
    /// Calls `body(i)` once for each `i` in `0..<count`, on up to `threads` threads; returns when every call has.
    static func forEach(_ count: Int, threads: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let workers = max(1, min(threads, count))
        guard workers > 1 else {
            for i in 0..<count { body(i) }
            return
        }
        let next = Mutex(0)
        let work: @Sendable () -> Void = {
            while true {
                let i = next.withLock { i in
                    defer { i += 1 }
                    return i
                }
                guard i < count else { return }
                body(i)
            }
        }
        let finished = DispatchGroup()
        for _ in 1..<workers {
            finished.enter()
            Thread {
                work()
                finished.leave()
            }.start()
        }
        work()
        finished.wait()
    }
}
