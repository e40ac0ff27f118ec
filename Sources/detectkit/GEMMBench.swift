import ArgumentParser
import DetectKit
import DetectKitUtilities
import Foundation

/// `detectkit bench gemm`: one `m × k` by `k × n` single-precision matrix product through BLAS.
struct GEMMBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gemm", abstract: "Time a single-precision matrix product (BLAS sgemm, one thread).")

    @Option(help: "Rows of A and C.")
    var m = 256

    @Option(help: "Columns of B and C.")
    var n = 256

    @Option(help: "Columns of A, rows of B.")
    var k = 256

    @OptionGroup var bench: BenchOptions

    func validate() throws {
        for (value, option) in [(m, "--m"), (n, "--n"), (k, "--k")] { try OptionChecks.whole(value, option, in: 1...Int.max) }
        try OptionChecks.buffer([m, k], "--m × --k (A)")
        try OptionChecks.buffer([k, n], "--k × --n (B)")
        try OptionChecks.buffer([m, n], "--m × --n (C)")
    }

    func run() throws {
        try CommandFailure.report {
            var rng = SplitMix64(seed: 11)
            let a = (0..<(m * k)).map { _ in Float(rng.unit()) - 0.5 }
            let b = (0..<(k * n)).map { _ in Float(rng.unit()) - 0.5 }
            var c = [Float](repeating: 0, count: m * n)
            let ms = bench.medianMilliseconds(default: 21) {
                a.withUnsafeBufferPointer { ap in
                    b.withUnsafeBufferPointer { bp in
                        c.withUnsafeMutableBufferPointer { cp in
                            MatrixMultiply.gemm(m: m, n: n, k: k, a: ap.baseAddress!, b: bp.baseAddress!, c: cp.baseAddress!)
                        }
                    }
                }
            }
            let gflops = 2.0 * Double(m) * Double(n) * Double(k) / ms / 1e6
            let name = "gemm \(m)x\(n)x\(k)"
            bench.report(
                name, milliseconds: ms, fields: [("gflops", .double(gflops))],
                text: "\(name): median \(String(format: "%.3f", ms)) ms, \(String(format: "%.1f", gflops)) GFLOP/s")
        }
    }
}
