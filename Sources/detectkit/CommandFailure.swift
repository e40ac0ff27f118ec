import ArgumentParser
import Foundation

/// How commands report failure: one line on stderr naming what went wrong, and a non-zero exit.
enum CommandFailure {
    /// Runs `body`; any error is printed as `detectkit: error: …` and turned into exit status 1.
    static func report(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let e as ExitCode {
            throw e
        } catch {
            standardError("detectkit: error: \(error)")
            throw ExitCode.failure
        }
    }

    /// `error` as a line that names `file`: as it is when it already does, else `file: error`.
    static func naming(_ file: String, _ error: Error) -> String {
        let text = "\(error)"
        return text.contains(file) ? text : "\(file): \(text)"
    }

    /// Writes one line to standard error.
    static func standardError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
