import Foundation

/// Multi-head self-attention as in CLIP (Hugging Face's `CLIPAttention`), on `[N, L, D]`:
///
///     q = (x Wqᵀ + bq) · d^(−1/2),  k = x Wkᵀ + bk,  v = x Wvᵀ + bv      (per head, d = D / heads)
///     out = concat_h( softmax(q_h k_hᵀ + mask) v_h ) Woᵀ + bo
///
/// where the causal mask, when asked for, is −∞ above the diagonal (a token sees only itself and earlier ones,
/// as CLIP's text tower). Projections are ``Linear`` layers with PyTorch's `[out, in]` weights; the score and
/// value products go through BLAS.
public struct MultiHeadAttention: Sendable {
    /// The query, key, value and output projections, each `D → D`.
    public let query: Linear, key: Linear, value: Linear, output: Linear
    /// Number of heads; `D` must be a multiple.
    public let heads: Int

    /// An attention layer; throws when the projections are not all `D → D` or `D` is not a multiple of `heads`.
    public init(query: Linear, key: Linear, value: Linear, output: Linear, heads: Int) throws {
        let d = query.inFeatures
        guard heads > 0, d % heads == 0,
            [query, key, value, output].allSatisfy({ $0.inFeatures == d && $0.outFeatures == d })
        else {
            throw NeuralError.shape("attention projections must all be \(d) → \(d) with \(d) divisible by \(heads) heads")
        }
        self.query = query
        self.key = key
        self.value = value
        self.output = output
        self.heads = heads
    }

    /// Attends over `[N, L, D]`.
    public func callAsFunction(_ x: Tensor, causal: Bool = false) throws -> Tensor {
        guard x.rank == 3, x.shape[2] == query.inFeatures else {
            throw NeuralError.shape("attention input must be [N, L, \(query.inFeatures)], got \(x.shape)")
        }
        let (n, l, d) = (x.shape[0], x.shape[1], x.shape[2])
        let hd = d / heads
        let scale = Float(1 / Double(hd).squareRoot())
        let q = try query(x), k = try key(x), v = try value(x)
        var mixed = try Tensor(zeros: x.shape)
        var qh = [Float](repeating: 0, count: l * hd), kh = qh, vh = qh
        var scores = [Float](repeating: 0, count: l * l), context = qh
        for image in 0..<n {
            for h in 0..<heads {
                // Gather one head's rows: [L, hd].
                for t in 0..<l {
                    let from = (image * l + t) * d + h * hd
                    for i in 0..<hd {
                        qh[t * hd + i] = q.scalars[from + i] * scale
                        kh[t * hd + i] = k.scalars[from + i]
                        vh[t * hd + i] = v.scalars[from + i]
                    }
                }
                qh.withUnsafeBufferPointer { a in
                    kh.withUnsafeBufferPointer { b in
                        scores.withUnsafeMutableBufferPointer { c in
                            MatrixMultiply.gemm(m: l, n: l, k: hd, a: a.baseAddress!, b: b.baseAddress!, transposeB: true, c: c.baseAddress!)
                        }
                    }
                }
                for r in 0..<l {  // softmax per row, masked above the diagonal when causal
                    let end = causal ? r + 1 : l
                    var top = -Float.infinity
                    for c in 0..<end { top = Swift.max(top, scores[r * l + c]) }
                    var total = 0.0
                    for c in 0..<l {
                        let e = c < end ? exp(Double(scores[r * l + c] - top)) : 0
                        scores[r * l + c] = Float(e)
                        total += e
                    }
                    for c in 0..<l { scores[r * l + c] = Float(Double(scores[r * l + c]) / total) }
                }
                scores.withUnsafeBufferPointer { a in
                    vh.withUnsafeBufferPointer { b in
                        context.withUnsafeMutableBufferPointer { c in
                            MatrixMultiply.gemm(m: l, n: hd, k: l, a: a.baseAddress!, b: b.baseAddress!, c: c.baseAddress!)
                        }
                    }
                }
                for t in 0..<l {
                    let to = (image * l + t) * d + h * hd
                    for i in 0..<hd { mixed.scalars[to + i] = context[t * hd + i] }
                }
            }
        }
        return try output(mixed)
    }
}
