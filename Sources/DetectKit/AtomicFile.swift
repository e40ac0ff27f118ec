import Foundation

/// Writing files so that readers never see a half-written one.
public enum AtomicFile {
    /// Writes `data` to `path` through a temporary file in the same folder and a rename.
    public static func write(_ data: Data, to path: String) throws {
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
