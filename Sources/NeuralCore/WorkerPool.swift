import CNeuralKernels
import Dispatch
import Foundation
import Synchronization

/// Persistent worker threads for the data-parallel loops of the kernels (`threads:` on convolutions and matrix
/// products).
///
/// A loop over `count` independent items is spread over the caller and up to `threads − 1` workers, which take
/// items one at a time from a shared counter (so a thread that starts late just takes fewer). Between loops a
/// worker spins for 300 µs, then polls with 1 µs sleeps for 5 ms, then sleeps until woken, so the back-to-back
/// layers of a network pay no thread wake-up: libdispatch's `concurrentPerform` often took longer to wake its
/// second thread than a 13×13 depthwise layer takes to run (measured here: no speed-up at all for 160 µs of
/// work per thread; a semaphore wake-up took 200–500 µs). Workers keep off the CPU of the thread that created
/// them: new threads were seen to start on their creator's CPU and stay there for tens of milliseconds, so that
/// a two-thread loop ran on one core while the other idled (one process in three, here).
///
/// One loop runs on the pool at a time. A loop started while another one runs — from another thread, or from
/// inside an item — runs on its caller alone, so nested or concurrent callers never oversubscribe the cores.
/// BLAS itself is kept on one thread (``MatrixMultiply``) for the same reason.
package final class WorkerPool: @unchecked Sendable {
    /// The pool shared by every kernel: one worker fewer than the machine has cores, and at least one, so that
    /// `threads: 2` means two threads everywhere (and the thread-count tests run two threads on one core too).
    package static let shared = WorkerPool(workers: Swift.max(1, ProcessInfo.processInfo.activeProcessorCount - 1))

    /// Counts the items that workers (not the caller) ran in the loops started while it is bound
    /// (``tally``): proof for a test that a loop really ran on more than one thread, since a loop that finds the
    /// pool busy runs on its caller alone.
    ///
    /// While a tally is bound, a loop's caller waits (up to a second) for a worker to take the first item
    /// before it takes any itself: on a loaded machine a worker can otherwise wake after the caller has
    /// finished a small loop alone. Which thread runs an item never changes its result.
    package final class Tally: Sendable {
        private let helped = Atomic<Int>(0)
        /// An empty tally.
        package init() {}
        /// Items run by a worker so far.
        package var helperItems: Int { helped.load(ordering: .relaxed) }
        fileprivate func add() { helped.add(1, ordering: .relaxed) }
    }

    /// The tally that loops started in the current task (or thread) report to; bind it with `$tally.withValue`.
    @TaskLocal package static var tally: Tally?

    /// Threads a loop can use: the workers plus the caller.
    package var maximumThreads: Int { workers.count + 1 }

    /// One worker's sleep state.
    private final class Worker: Sendable {
        let sleeping = Atomic<Bool>(false)
        let wake = DispatchSemaphore(value: 0)
    }

    private let workers: [Worker]
    /// Serialises loops; a loop that finds it taken runs serially.
    private let busy = Mutex<Void>(())
    /// `generation << 16 | helpers`: bumped, after the job is published, to start a loop with that many helpers.
    /// One word, so a worker reads the loop and whether it helps with it in one load.
    private let state = Atomic<Int>(0)
    /// The next item to take.
    private let next = Atomic<Int>(0)
    /// Workers still running the current loop.
    private let running = Atomic<Int>(0)
    /// The current loop, written before `state` is bumped and read by its helpers after they see the bump
    /// (release/acquire). It stays put until every helper has reported done.
    private nonisolated(unsafe) var job: (body: (Int, Int) -> Void, count: Int)?

    /// How long a waiting thread spins before it polls with short sleeps (leaving the core to other work).
    private static let spinNanoseconds: UInt64 = 300_000
    /// How long an idle worker polls before it sleeps until woken.
    private static let pollNanoseconds: UInt64 = 5_000_000

    private init(workers count: Int) {
        workers = (0..<Swift.max(0, count)).map { _ in Worker() }
        let creator = dk_current_cpu()
        for (index, worker) in workers.enumerated() {
            let thread = Thread { [unowned self] in
                dk_avoid_cpu(creator)
                self.work(index: index, worker: worker)
            }
            thread.name = "DetectKit worker \(index + 1)"
            thread.start()
        }
    }

    /// Runs `body(i)` for every `i` in `0..<count`, over up to `threads` threads (the caller included); returns
    /// when all have finished. Items must be independent.
    package func forEach(_ count: Int, threads: Int, _ body: (Int) -> Void) {
        forEach(count, threads: threads) { item, _ in body(item) }
    }

    /// Runs `body(i, slot)` for every `i` in `0..<count` as above; `slot`, in `0..<min(threads, maximumThreads)`,
    /// names the thread running the item (0 for the caller), so each thread can use its own scratch memory.
    /// Items are handed out one at a time, so a thread that starts late simply takes fewer.
    package func forEach(_ count: Int, threads: Int, _ body: (Int, Int) -> Void) {
        let helpers = Swift.min(threads, count, maximumThreads, 1 << 16) - 1
        guard helpers > 0 else {
            for i in 0..<count { body(i, 0) }
            return
        }
        let tally = Self.tally
        let ran: Bool? = busy.withLockIfAvailable { _ in
            withoutActuallyEscaping(body) { body in
                let body: (Int, Int) -> Void = tally.map { tally in { item, slot in
                    if slot != 0 { tally.add() }
                    body(item, slot)
                } } ?? body
                job = (body, count)
                next.store(0, ordering: .relaxed)
                running.store(helpers, ordering: .relaxed)
                let generation = state.load(ordering: .relaxed) >> 16 + 1
                state.store(generation << 16 | helpers, ordering: .sequentiallyConsistent)
                for worker in workers.prefix(helpers) where worker.sleeping.exchange(false, ordering: .sequentiallyConsistent) {
                    worker.wake.signal()
                }
                if tally != nil {
                    let started = DispatchTime.now().uptimeNanoseconds
                    while next.load(ordering: .relaxed) == 0 && DispatchTime.now().uptimeNanoseconds - started < 1_000_000_000 {
                        Self.pause(since: started)
                    }
                }
                drain(body, count, slot: 0)
                let started = DispatchTime.now().uptimeNanoseconds
                while running.load(ordering: .acquiring) > 0 { Self.pause(since: started) }
                job = nil
            }
            return true
        }
        if ran == nil {
            for i in 0..<count { body(i, 0) }
        }
    }

    /// One step of a wait that began at `started`: a spin at first, then a short sleep (timer slack permitting,
    /// some tens of microseconds) that leaves the core to its sibling.
    private static func pause(since started: UInt64) {
        if DispatchTime.now().uptimeNanoseconds - started < spinNanoseconds {
            for _ in 0..<64 { dk_cpu_relax() }
        } else {
            var interval = timespec(tv_sec: 0, tv_nsec: 1_000)
            nanosleep(&interval, nil)
        }
    }

    /// A helper's part of the current loop. A function of its own, so that its copy of the loop's closure is
    /// released when it returns, before the helper reports done (the caller checks that the closure did not
    /// escape).
    @inline(never)
    private func help(slot: Int) {
        if let job { drain(job.body, job.count, slot: slot) }
    }

    /// Takes items until none are left.
    private func drain(_ body: (Int, Int) -> Void, _ count: Int, slot: Int) {
        while true {
            let i = next.add(1, ordering: .relaxed).oldValue
            guard i < count else { return }
            body(i, slot)
        }
    }

    /// A worker's life: wait for a new loop (spinning, then sleeping), help with it if it is one of the loop's
    /// helpers, report done.
    private func work(index: Int, worker: Worker) {
        dk_set_fine_timer_slack()
        var seen = 0
        while true {
            let started = DispatchTime.now().uptimeNanoseconds
            var current = state.load(ordering: .acquiring)
            while current >> 16 == seen {
                if DispatchTime.now().uptimeNanoseconds - started < Self.pollNanoseconds {
                    Self.pause(since: started)
                } else {
                    worker.sleeping.store(true, ordering: .sequentiallyConsistent)
                    if state.load(ordering: .sequentiallyConsistent) >> 16 == seen {
                        worker.wake.wait()
                    } else if !worker.sleeping.exchange(false, ordering: .sequentiallyConsistent) {
                        worker.wake.wait()  // the loop's caller took the flag and signalled: consume it
                    }
                }
                current = state.load(ordering: .acquiring)
            }
            seen = current >> 16
            guard index < current & 0xFFFF else { continue }
            help(slot: index + 1)
            running.subtract(1, ordering: .releasing)
        }
    }
}
