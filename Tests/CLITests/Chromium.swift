import Foundation

/// Finds a Chromium-family browser for the report test the way a shell would: the first of its usual names in
/// a folder of `PATH`.
enum Chromium {
    /// The names tried, in order, in each folder.
    static let names = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]

    /// The browser's path, or nil when none of ``names`` is an executable file in a folder of `path`.
    static func find(path: String = ProcessInfo.processInfo.environment["PATH"] ?? "") -> String? {
        for folder in path.split(separator: ":") where !folder.isEmpty {
            for name in names {
                let candidate = "\(folder)/\(name)"
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
        }
        return nil
    }
}
