import DetectKitTestSupport
import NeuralCore
import Testing

/// Linear layers and attention give the same bits on one thread and on several (rows or output columns split
/// into blocks; one item per image and head), and a worker thread really took part (`onSeveralThreads`).
@Suite struct ThreadedOpsTests {
    @Test(arguments: [(rows: 300, inputs: 40, outputs: 70), (rows: 5, inputs: 33, outputs: 200), (rows: 130, inputs: 8, outputs: 130)])
    func linearIsTheSameOnAnyThreadCount(rows: Int, inputs: Int, outputs: Int) throws {
        for bias in [true, false] {
            let layer = try Linear(
                weight: DepthwiseConv2DTests.random([outputs, inputs], seed: 21),
                bias: bias ? DepthwiseConv2DTests.random([outputs], seed: 22) : nil)
            let x = try DepthwiseConv2DTests.random([rows, inputs], seed: 23)
            let one = try layer(x)
            for threads in [2, 3, 16] {
                let (several, helped) = try onSeveralThreads { try layer(x, threads: threads) }
                #expect(helped, "no loop ran on a second thread")
                #expect(several == one, "\(rows)x\(inputs)→\(outputs) bias \(bias)")
            }
        }
    }

    @Test func attentionIsTheSameOnAnyThreadCount() throws {
        let d = 24
        func linear(_ seed: UInt64) throws -> Linear {
            try Linear(weight: DepthwiseConv2DTests.random([d, d], seed: seed), bias: DepthwiseConv2DTests.random([d], seed: seed + 1))
        }
        let attention = try MultiHeadAttention(query: linear(1), key: linear(3), value: linear(5), output: linear(7), heads: 4)
        let x = try DepthwiseConv2DTests.random([3, 19, d], seed: 9)
        for causal in [false, true] {
            let one = try attention(x, causal: causal)
            for threads in [2, 5] {
                let (several, helped) = try onSeveralThreads { try attention(x, causal: causal, threads: threads) }
                #expect(helped, "no loop ran on a second thread")
                #expect(several == one)
            }
        }
    }
}
