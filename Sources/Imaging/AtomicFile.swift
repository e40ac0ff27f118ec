import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writing files so that readers never see a half-written one: the bytes go to a temporary file in the same
/// folder (so the final rename stays on one file system), which is then renamed over the target. (Not flushed
/// to disk first: the rename makes the write all-or-nothing for readers, not durable across a power cut.)
///
/// Foundation's `Data.write(options: .atomic)` is not used: on Linux it leaves an empty `TemporaryDirectory.*`
/// folder in `/tmp` behind on every call.
public enum AtomicFile {
    /// A failed write: the path and the system's reason.
    public struct WriteError: Error, CustomStringConvertible, Sendable {
        /// The file that was being written.
        public var path: String
        /// What went wrong.
        public var reason: String

        /// `cannot write PATH: REASON`.
        public var description: String { "cannot write \(path): \(reason)" }
    }

    /// Writes `data` to `path` atomically (permissions 0644, less the umask).
    ///
    /// The temporary file is created with `open(O_CREAT | O_EXCL, 0644)`, so the kernel applies the process's
    /// umask itself: nothing reads or changes the umask, which is process-wide state another thread may rely on.
    public static func write(_ data: Data, to path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        var (fd, temporary) = (Int32(-1), "")
        for _ in 0..<100 {
            temporary = (folder.isEmpty ? "." : folder) + "/.\(name).\(String(UInt64.random(in: 0...UInt64.max), radix: 36))"
            fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if fd >= 0 || errno != EEXIST { break }
        }
        guard fd >= 0 else { throw WriteError(path: path, reason: String(cString: strerror(errno))) }
        var failure: String?
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = String(cString: strerror(errno))
                    return
                }
                offset += n
            }
        }
        if close(fd) != 0 && failure == nil { failure = String(cString: strerror(errno)) }
        if failure == nil && rename(temporary, path) != 0 { failure = String(cString: strerror(errno)) }
        if let failure {
            unlink(temporary)
            throw WriteError(path: path, reason: failure)
        }
    }
}
