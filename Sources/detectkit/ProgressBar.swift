import Foundation
import Synchronization

/// A one-line progress bar on standard error, drawn only when standard error is a terminal; safe to advance
/// from several threads.
final class ProgressBar: Sendable {
    private let total: Int
    private let label: String
    private let enabled: Bool
    private let done = Mutex(0)

    init(total: Int, label: String) {
        self.total = total
        self.label = label
        enabled = isatty(STDERR_FILENO) == 1 && total > 1
    }

    /// One more item finished.
    func advance() {
        done.withLock { done in
            done += 1
            if enabled { draw(done) }
        }
    }

    private func draw(_ done: Int) {
        let width = 30, filled = total > 0 ? width * done / total : width
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        FileHandle.standardError.write(Data("\r\(label) [\(bar)] \(done)/\(total)".utf8))
        if done == total { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
