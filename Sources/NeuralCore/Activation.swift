import CNeuralKernels
import Foundation

/// Element-wise activations, as PyTorch computes them (in `Float`, `Double` only inside `erf`/`tanh`/`exp`):
///
/// - `relu`: `max(x, 0)`
/// - `gelu`: `0.5 · x · (1 + erf(x / √2))` (exact; `F.gelu(x)`)
/// - `geluTanh`: `0.5 · x · (1 + tanh(√(2/π) · (x + 0.044715 · x³)))` (`F.gelu(x, approximate="tanh")`)
/// - `silu`: `x · σ(x) = x / (1 + e^(−x))` (`F.silu`)
/// - `quickGELU`: `x · σ(1.702 · x)` (OpenAI's CLIP; `transformers`' `quick_gelu`)
public enum Activation: String, Sendable, CaseIterable {
    /// `max(x, 0)`.
    case relu
    /// Exact GELU, with `erf`.
    case gelu
    /// GELU's tanh approximation.
    case geluTanh
    /// SiLU (swish).
    case silu
    /// CLIP's sigmoid approximation of GELU.
    case quickGELU

    /// The activation of one value.
    @inlinable
    public func value(_ x: Float) -> Float {
        switch self {
        case .relu: return x > 0 ? x : 0
        case .gelu: return Float(0.5 * Double(x) * (1 + erf(Double(x) / 2.0.squareRoot())))
        case .geluTanh:
            let d = Double(x)
            return Float(0.5 * d * (1 + tanh((2 / Double.pi).squareRoot() * (d + 0.044715 * d * d * d))))
        case .silu: return Float(Double(x) / (1 + exp(-Double(x))))
        case .quickGELU: return Float(Double(x) / (1 + exp(-1.702 * Double(x))))
        }
    }

    /// The activation of every value: ``value(_:)``'s formula in `Float`, with a vectorised exp for `silu` and
    /// `quickGELU` (within a few ulp of ``value(_:)``, which is the scalar reference).
    public func callAsFunction(_ t: Tensor) -> Tensor {
        var out = t
        out.scalars.withUnsafeMutableBufferPointer { p in
            guard let x = p.baseAddress else { return }
            let n = p.count
            switch self {
            case .relu: for i in 0..<n where !(x[i] > 0) { x[i] = 0 }
            case .silu: dk_sigmoid_gate(x, n, 1)
            case .quickGELU: dk_sigmoid_gate(x, n, 1.702)
            case .gelu: for i in 0..<n { x[i] = 0.5 * x[i] * (1 + erf(x[i] * 0.70710678118654752)) }
            case .geluTanh:
                for i in 0..<n {
                    let v = x[i]
                    x[i] = 0.5 * v * (1 + tanh(0.7978845608028654 * (v + 0.044715 * v * v * v)))
                }
            }
        }
        return out
    }
}
