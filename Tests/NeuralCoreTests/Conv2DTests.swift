import DetectKitTestSupport
import Foundation
import NeuralCore
import Testing

/// General convolutions, batch-norm folding and re-parameterisation against PyTorch
/// (`Fixtures/neural/conv.safetensors`, made by `training/golden_neural.py`).
@Suite struct Conv2DTests {
    static func file() throws -> SafeTensors {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/neural/conv", withExtension: "safetensors"))
        return try SafeTensors(contentsOf: url.path)
    }

    struct Meta: Decodable {
        var stride: [Int]
        var padding: [Int]
        var dilation: [Int]
        var groups: Int
    }

    @Test(arguments: 0..<5)
    func matchesPyTorch(index: Int) throws {
        let f = try Self.file()
        let m = try JSONDecoder().decode(Meta.self, from: Data(try #require(f.metadata["c\(index)"]).utf8))
        let conv = try Conv2D(
            weight: f.tensor("c\(index).weight"), bias: f.tensor("c\(index).bias"),
            parameters: .init(stride: (m.stride[0], m.stride[1]), padding: (m.padding[0], m.padding[1]),
                              dilation: (m.dilation[0], m.dilation[1]), groups: m.groups))
        let x = try f.tensor("c\(index).input"), expected = try f.tensor("c\(index).output")
        #expect(worstRelativeError(try conv(x, threads: 2), expected) < 1e-4, "case \(index)")
        #expect(worstRelativeError(try conv.reference(x), expected) < 1e-5, "reference, case \(index)")
    }

    static func batchNorm(_ f: SafeTensors, _ prefix: String) throws -> BatchNorm2D {
        try BatchNorm2D(
            mean: f.tensor("\(prefix).mean"), variance: f.tensor("\(prefix).var"), weight: f.tensor("\(prefix).weight"),
            bias: f.tensor("\(prefix).bias"))
    }

    @Test func batchNormFoldsIntoTheConvolution() throws {
        let f = try Self.file()
        let conv = try Conv2D(weight: f.tensor("bn.weight"), parameters: .init(padding: (1, 1)))
        let folded = try Self.batchNorm(f, "bn.bn").folded(into: conv)
        #expect(worstRelativeError(try folded(f.tensor("bn.input")), try f.tensor("bn.output")) < 1e-4)
    }

    @Test func replkBranchesMergeIntoOneLargeKernel() throws {
        let f = try Self.file()
        var branches: [Reparameterization.Branch] = []
        for (name, k, d) in [("large", 13, 1), ("small", 5, 1), ("dil2", 3, 2), ("dil3", 3, 3)] {
            let conv = try Conv2D(
                weight: f.tensor("rep.\(name).weight"),
                parameters: .init(padding: (d * (k - 1) / 2, d * (k - 1) / 2), dilation: (d, d), groups: 4))
            branches.append(.init(conv: conv, batchNorm: try Self.batchNorm(f, "rep.\(name).bn")))
        }
        let merged = try Reparameterization.merge(branches)
        #expect(merged.weight.shape == [4, 1, 13, 13])
        #expect(worstRelativeError(try merged(f.tensor("rep.input")), try f.tensor("rep.output")) < 1e-4)
        // A branch that is not depthwise "same" is refused.
        let dense = try Conv2D(weight: Tensor(zeros: [4, 4, 3, 3]), parameters: .init(padding: (1, 1)))
        #expect(throws: NeuralError.self) { try Reparameterization.merge([.init(conv: dense)]) }
    }

    @Test func uniRepLKBranchesMergeInto27x27() throws {
        // Kernels ≤ 13 with dilations up to 13, as trained (PyTorch is slow at large depthwise kernels), merged
        // into the one 27×27 kernel DetectKit runs.
        let f = try Self.file()
        var branches: [Reparameterization.Branch] = []
        for (name, k, d) in [("large", 13, 1), ("d2", 7, 2), ("d3", 5, 3), ("d6", 5, 6), ("d13", 3, 13), ("small", 3, 1)] {
            let conv = try Conv2D(
                weight: f.tensor("rep27.\(name).weight"),
                parameters: .init(padding: (d * (k - 1) / 2, d * (k - 1) / 2), dilation: (d, d), groups: 4))
            branches.append(.init(conv: conv, batchNorm: try Self.batchNorm(f, "rep27.\(name).bn")))
        }
        let merged = try Reparameterization.merge(branches)
        #expect(merged.weight.shape == [4, 1, 27, 27])
        let x = try f.tensor("rep27.input"), expected = try f.tensor("rep27.output")
        #expect(worstRelativeError(try merged(x, threads: 2), expected) < 1e-4)
        // The unmerged branches, summed, give the same (each through the general convolution path).
        var sum = try Tensor(zeros: expected.shape)
        for b in branches {
            let y = try (try b.batchNorm.map { try $0.folded(into: b.conv) } ?? b.conv)(x)
            for i in sum.scalars.indices { sum.scalars[i] += y.scalars[i] }
        }
        #expect(worstRelativeError(sum, expected) < 1e-4)
    }

    @Test func fastPathsEqualTheReference() throws {
        // 1×1 (no im2col), depthwise "same" (the depthwise kernel), and a general grouped case.
        for (shape, params) in [([8, 6, 1, 1], Conv2D.Parameters()), ([6, 1, 7, 7], .init(padding: (3, 3), groups: 6)),
                                ([6, 2, 3, 3], .init(stride: (2, 1), padding: (1, 0), dilation: (1, 2), groups: 3))] {
            let conv = try Conv2D(weight: DepthwiseConv2DTests.random(shape, seed: 3), bias: DepthwiseConv2DTests.random([shape[0]], seed: 4), parameters: params)
            let x = try DepthwiseConv2DTests.random([2, 6, 11, 13], seed: 5)
            #expect(worstRelativeError(try conv(x), try conv.reference(x)) < 1e-5, "\(shape)")
        }
    }

    @Test func threadCountDoesNotChangeTheResult() throws {
        // One image (unrolling split over channels, product over column blocks) and several images or groups
        // (whole jobs per thread).
        for (shape, params, n) in [([8, 6, 3, 3], Conv2D.Parameters(padding: (1, 1)), 1), ([8, 6, 1, 1], .init(), 1),
                                   ([6, 2, 3, 3], .init(stride: (2, 1), padding: (1, 0), dilation: (1, 2), groups: 3), 3),
                                   ([6, 1, 9, 9], .init(padding: (4, 4), groups: 6), 2)] {
            let conv = try Conv2D(weight: DepthwiseConv2DTests.random(shape, seed: 6), bias: DepthwiseConv2DTests.random([shape[0]], seed: 7), parameters: params)
            // 24×20 = 480 output columns: one image's product is split into column blocks.
            let x = try DepthwiseConv2DTests.random([n, 6, 24, 20], seed: 8)
            let one = try conv(x, threads: 1)
            for threads in [2, 3, 8] {
                let (several, helped) = try onSeveralThreads { try conv(x, threads: threads) }
                #expect(helped, "\(shape): no loop ran on a second thread")
                #expect(several == one, "\(shape) threads \(threads)")
            }
        }
    }

    @Test func badParametersAreRejected() throws {
        #expect(throws: NeuralError.self) { try Conv2D(weight: Tensor(zeros: [5, 1, 3, 3]), parameters: .init(groups: 2)) }
        #expect(throws: NeuralError.self) { try Conv2D(weight: Tensor(zeros: [4, 1, 3, 3]), parameters: .init(stride: (0, 1))) }
        let conv = try Conv2D(weight: Tensor(zeros: [4, 2, 5, 5]))
        #expect(throws: NeuralError.self) { try conv(Tensor(zeros: [1, 3, 8, 8])) }
        #expect(throws: NeuralError.self) { try conv(Tensor(zeros: [1, 2, 3, 3])) }
        // 4 rows with a 5-row kernel at stride 2: the size formula alone would truncate −1 / 2 to 0 and say 1.
        let strided = try Conv2D(weight: Tensor(zeros: [4, 2, 5, 5]), parameters: .init(stride: (2, 2)))
        #expect(throws: NeuralError.self) { try strided(Tensor(zeros: [1, 2, 4, 8])) }
    }
}
