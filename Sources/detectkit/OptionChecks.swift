import ArgumentParser
import Foundation

/// Range checks of numeric options, for the commands' `validate()`: a value a command cannot honour is a usage
/// error naming the option before any work starts, not a trap, a hang or an allocation that cannot succeed.
enum OptionChecks {
    /// The most threads a command accepts.
    static let maxThreads = 1024
    /// The default of `--threads` where it is all cores: their count, within ``maxThreads``.
    static var defaultThreads: Int { min(ProcessInfo.processInfo.activeProcessorCount, maxThreads) }
    /// The most timed samples a benchmark accepts.
    static let maxSamples = 10_000
    /// The most values one benchmark buffer may hold (1 GiB of `Float`).
    static let maxBufferValues = 1 << 28

    /// `value` must lie in `range`.
    static func whole(_ value: Int, _ option: String, in range: ClosedRange<Int>) throws {
        guard range.contains(value) else {
            let bounds = range.upperBound == Int.max ? "at least \(range.lowerBound)" : "from \(range.lowerBound) to \(range.upperBound)"
            throw ValidationError("\(option) \(value): must be \(bounds)")
        }
    }

    /// A thread count: 1 to ``maxThreads``.
    static func threads(_ value: Int, _ option: String = "--threads") throws { try whole(value, option, in: 1...maxThreads) }

    /// A benchmark's sample count: 1 to ``maxSamples``.
    static func samples(_ value: Int, _ option: String = "--samples") throws { try whole(value, option, in: 1...maxSamples) }

    /// A count that may be zero but not negative, when given.
    static func notNegative(_ value: Int?, _ option: String) throws {
        if let value { try whole(value, option, in: 0...Int.max) }
    }

    /// A finite number, when given.
    static func finite(_ value: Float?, _ option: String) throws {
        if let value, !value.isFinite { throw ValidationError("\(option) \(value): must be a finite number") }
    }

    /// A number in [0, 1], when given.
    static func unitInterval<Value: BinaryFloatingPoint>(_ value: Value?, _ option: String) throws {
        if let value, !(value >= 0 && value <= 1) { throw ValidationError("\(option) \(value): must be in [0, 1]") }
    }

    /// The product of `sizes` (named `what` in the message) must not overflow nor exceed ``maxBufferValues``.
    static func buffer(_ sizes: [Int], _ what: String) throws {
        var product = 1
        for n in sizes {
            let (p, overflow) = product.multipliedReportingOverflow(by: n)
            guard !overflow, p <= maxBufferValues else {
                throw ValidationError("\(what): more than \(maxBufferValues) values in one buffer")
            }
            product = p
        }
    }

    /// `WIDTHxHEIGHT` with both positive, e.g. `1000x750`.
    static func size(_ text: String, _ option: String) throws -> (width: Int, height: Int) {
        let parts = text.lowercased().split(separator: "x", omittingEmptySubsequences: false)
        guard parts.count == 2, let w = Int(parts[0]), let h = Int(parts[1]), w > 0, h > 0 else {
            throw ValidationError("\(option) \(text): must be WIDTHxHEIGHT with positive whole numbers, e.g. 1000x750")
        }
        return (w, h)
    }
}
