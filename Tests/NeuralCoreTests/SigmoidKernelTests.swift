import Foundation
import Testing

@testable import NeuralCore

/// `sigmoid(_:)`'s vectorised kernel (the decoders' RetinaNet and RT-DETR scores) against the scalar formula.
@Suite struct SigmoidKernelTests {
    /// The vectorised sigmoid on every instruction set: within 4 ulp-of-1 of the scalar `1 / (1 + exp(−x))`, exactly
    /// 0.5 at 0, and 0 or 1 (never NaN) at the extremes.
    @Test func sigmoidOnEveryInstructionSet() {
        let inputs: [Float] = stride(from: Float(-100), through: 100, by: 0.0137).map { $0 } + [0, -0.0, .greatestFiniteMagnitude, -.greatestFiniteMagnitude]
        for level in 0...2 {
            var values = inputs
            guard sigmoid(&values, level: level) else { continue }
            for (x, s) in zip(inputs, values) {
                let reference = 1 / (1 + Foundation.exp(-x))
                #expect(s.isFinite && abs(s - reference) <= 4 * Float(1).ulp, "level \(level): sigmoid(\(x)) = \(s), expected \(reference)")
            }
            #expect(values[inputs.count - 4] == 0.5)
        }
    }
}
