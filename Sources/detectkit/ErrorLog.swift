import Synchronization

/// Error lines gathered from parallel work.
final class ErrorLog: Sendable {
    private let entries = Mutex<[String]>([])

    func append(_ line: String) { entries.withLock { $0.append(line) } }

    var lines: [String] { entries.withLock { $0 } }
}
