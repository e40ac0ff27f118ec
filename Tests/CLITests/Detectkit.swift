import Foundation

/// Runs the `detectkit` binary (or another of the package's programs) built next to the tests.
enum Detectkit {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func binary(_ program: String = "detectkit") -> URL {
        // The test bundle sits next to the products; on Linux `Bundle.main` is that folder.
        #if os(macOS)
        let folder = Bundle.allBundles.first { $0.bundlePath.hasSuffix(".xctest") }!.bundleURL.deletingLastPathComponent()
        #else
        let folder = Bundle.main.bundleURL
        #endif
        return folder.appendingPathComponent(program)
    }

    static func run(_ arguments: [String], stdin: String? = nil, program: String = "detectkit") throws -> Result {
        let process = Process()
        process.executableURL = binary(program)
        process.arguments = arguments
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        // Feed stdin and drain both outputs concurrently so large outputs cannot dead-lock the pipes.
        let group = DispatchGroup()
        nonisolated(unsafe) var stdoutData = Data(), stderrData = Data()
        DispatchQueue.global().async(group: group) { stdoutData = out.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { stderrData = err.fileHandleForReading.readDataToEndOfFile() }
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        group.wait()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
            stderr: String(decoding: stderrData, as: UTF8.self))
    }
}

/// A file in a fresh temporary folder, removed when the test ends.
final class TemporaryFile {
    let path: String

    init(_ contents: String) throws {
        path = try Self.directory().appendingPathComponent("input.json").path
        try contents.write(toFile: path, atomically: false, encoding: .utf8)
    }

    /// A file of `data` named `input<suffix>`.
    init(data: Data, suffix: String) throws {
        path = try Self.directory().appendingPathComponent("input" + suffix).path
        try data.write(to: URL(fileURLWithPath: path))
    }

    static func directory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("detectkit-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    deinit { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
}
