import Foundation

/// Error lines gathered from parallel work.
final class ErrorLog: @unchecked Sendable {
    private var entries: [String] = []
    private let lock = NSLock()

    func append(_ line: String) {
        lock.lock()
        entries.append(line)
        lock.unlock()
    }

    var lines: [String] {
        lock.lock()
        defer { lock.unlock() }
        return entries
    }
}
