import Foundation
import Testing

/// `scripts/hostile-inputs.sh` against the tool built next to the tests: every command fed numbers at the float
/// limits, NaN and Infinity, huge and fractional ids, broken JSON, corrupt and extreme images, corrupt model
/// folders, absurd options and unusable output paths exits with its documented status and a message naming the
/// culprit, never a signal, a hang or a clobbered output (README, "Reliability"). Linux only: the script needs
/// bash 4.3 and coreutils' `timeout`.
@Suite struct HostileInputsTests {
    #if os(Linux)
    @Test func noHostileInputCrashesHangsOrGoesUnnamed() throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/hostile-inputs.sh")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [script.path, Detectkit.binary().path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(text)")
        #expect(text.contains("cases against"), "\(text)")
    }
    #endif
}
