import Foundation
@testable import NeuralCore
import Testing

@Suite struct DepthwiseConv2DTests {
    static func random(_ shape: [Int], seed: UInt64) throws -> Tensor {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        let count = try Tensor.elementCount(shape)
        return try Tensor(shape: shape, scalars: (0..<count).map { _ in
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return Float(Int(state % 2001) - 1000) / 1000
        })
    }

    /// The vectorised path equals the scalar reference bit for bit, for kernels from 1 to 31, widths around the
    /// 64-float block, one or several threads.
    @Test(arguments: [1, 3, 5, 7, 13, 27, 31])
    func fastEqualsReference(kernel: Int) throws {
        for (c, h, w) in [(3, 5, 7), (2, 9, 64), (4, 6, 65), (1, 40, 130)] {
            let conv = try DepthwiseConv2D(
                weight: Self.random([c, 1, kernel, kernel], seed: UInt64(kernel * 10 + c)),
                bias: kernel % 2 == 1 ? Self.random([c], seed: 99) : nil)
            let x = try Self.random([2, c, h, w], seed: UInt64(h * w))
            let reference = try conv.reference(x)
            for threads in [1, 3] {
                let fast = try conv(x, threads: threads)
                #expect(fast.scalars.map(\.bitPattern) == reference.scalars.map(\.bitPattern), "K=\(kernel) \(c)x\(h)x\(w)")
            }
        }
    }

    /// Every instruction set this CPU has gives the reference's bits (the fused multiply-add is exact everywhere).
    /// Each path is asked for per call, so tests running at the same time keep the machine's own.
    @Test func everyInstructionSetEqualsTheReference() throws {
        let conv = try DepthwiseConv2D(weight: Self.random([3, 1, 9, 9], seed: 5), bias: Self.random([3], seed: 6))
        let x = try Self.random([1, 3, 11, 70], seed: 7)
        let reference = try conv.reference(x).scalars.map(\.bitPattern)
        var tried: [String] = []
        for isa in DepthwiseConv2D.instructionSets {
            guard let out = try conv(x, threads: 2, instructionSet: isa) else { continue }
            tried.append(isa)
            #expect(out.scalars.map(\.bitPattern) == reference, "\(isa)")
        }
        #expect(tried.contains("portable") && tried.contains(DepthwiseConv2D.instructionSet))
        #expect(try conv(x, instructionSet: "sse9") == nil)
    }

    /// Against PyTorch's `conv2d(groups = C)` (`Fixtures/neural`, made by `training/golden_neural.py`), to 1e-4
    /// relative.
    @Test(arguments: [3, 7, 13, 31])
    func matchesPyTorch(kernel: Int) throws {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/neural/depthwise", withExtension: "safetensors"))
        let file = try SafeTensors(contentsOf: url.path)
        let conv = try DepthwiseConv2D(weight: file.tensor("k\(kernel).weight"), bias: file.tensor("k\(kernel).bias"))
        let out = try conv(file.tensor("k\(kernel).input"), threads: 2)
        let expected = try file.tensor("k\(kernel).output")
        #expect(out.shape == expected.shape)
        let worst = zip(out.scalars, expected.scalars).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
        #expect(worst < 1e-4, "K=\(kernel): \(worst)")
    }

    @Test func badShapesAreRejected() throws {
        #expect(throws: NeuralError.self) { try DepthwiseConv2D(weight: Tensor(zeros: [2, 1, 4, 4])) }
        #expect(throws: NeuralError.self) { try DepthwiseConv2D(weight: Tensor(zeros: [2, 2, 3, 3])) }
        #expect(throws: NeuralError.self) { try DepthwiseConv2D(weight: Tensor(zeros: [2, 1, 3, 3]), bias: Tensor(zeros: [3])) }
        let conv = try DepthwiseConv2D(weight: Tensor(zeros: [2, 1, 3, 3]))
        #expect(throws: NeuralError.self) { try conv(Tensor(zeros: [1, 3, 4, 4])) }
        #expect(throws: NeuralError.self) { try conv(Tensor(zeros: [3, 4, 4])) }
        #expect(["avx512", "avx2", "portable"].contains(DepthwiseConv2D.instructionSet))
    }
}

/// Merged re-parameterised kernels (a dense centre and sparse dilated taps, most weights zero) take the path that
/// skips zero taps; it equals the reference bit for bit.
@Suite struct SparseKernelTests {
    @Test func mergedKernelsEqualTheReference() throws {
        let c = 3, k = 29
        var weights = [Float](repeating: 0, count: c * k * k)
        let dense = try DepthwiseConv2DTests.random([c, 1, k, k], seed: 12)
        for ch in 0..<c {
            for ky in 0..<k {
                for kx in 0..<k {
                    let (dy, dx) = (abs(ky - 14), abs(kx - 14))
                    // A 13×13 centre, taps 7 and 13 apart on the axes and diagonals.
                    let keep = (dy <= 6 && dx <= 6) || ((dy % 7 == 0 || dy % 13 == 0) && (dx % 7 == 0 || dx % 13 == 0))
                    if keep { weights[(ch * k + ky) * k + kx] = dense.scalars[(ch * k + ky) * k + kx] }
                }
            }
        }
        let conv = try DepthwiseConv2D(weight: Tensor(shape: [c, 1, k, k], scalars: weights), bias: DepthwiseConv2DTests.random([c], seed: 2))
        for (h, w) in [(9, 70), (33, 31)] {
            let x = try DepthwiseConv2DTests.random([1, c, h, w], seed: UInt64(h))
            let reference = try conv.reference(x).scalars.map(\.bitPattern)
            for threads in [1, 2] { #expect(try conv(x, threads: threads).scalars.map(\.bitPattern) == reference) }
        }
    }
}
