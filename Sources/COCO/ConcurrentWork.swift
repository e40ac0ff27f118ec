import Foundation

/// A few long tasks run side by side on threads of their own: the readers' pieces of one file, and a ground-truth
/// file read beside a results file. Package-internal.
package enum ConcurrentWork {
    /// Runs `tasks[0]` on the calling thread and each other task on a thread of its own; returns when all are done.
    package static func run(_ tasks: [@Sendable () -> Void]) {
        let done = DispatchSemaphore(value: 0)
        for task in tasks.dropFirst() {
            Thread {
                task()
                done.signal()
            }.start()
        }
        tasks.first?()
        for _ in tasks.dropFirst() { done.wait() }
    }
}
