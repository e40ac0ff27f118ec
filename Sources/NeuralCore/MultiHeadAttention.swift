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

    /// Attends over `[N, L, D]`, spreading the projections and the (image, head) pairs over `threads` threads.
    public func callAsFunction(_ x: Tensor, causal: Bool = false, threads: Int = 1) throws -> Tensor {
        guard x.rank == 3, x.shape[2] == query.inFeatures else {
            throw NeuralError.shape("attention input must be [N, L, \(query.inFeatures)], got \(x.shape)")
        }
        let (n, l, d) = (x.shape[0], x.shape[1], x.shape[2])
        let hd = d / heads
        let scale = Float(1 / Double(hd).squareRoot())
        let q = try query(x, threads: threads), k = try key(x, threads: threads), v = try value(x, threads: threads)
        let workers = Swift.max(1, Swift.min(threads, WorkerPool.shared.maximumThreads, n * heads))
        // Per thread: one head's q, k, v, scores and context.
        let slot = 4 * l * hd + l * l
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: slot * workers)
        defer { scratch.deallocate() }
        nonisolated(unsafe) let base = scratch
        let mixed = try q.scalars.withUnsafeBufferPointer { qp in
            try k.scalars.withUnsafeBufferPointer { kp in
                try v.scalars.withUnsafeBufferPointer { vp in
                    try Tensor(shape: x.shape) { out in
                        // Each (image, head) writes its own columns of `out`.
                        nonisolated(unsafe) let (qs, ks, vs, os) = (qp.baseAddress!, kp.baseAddress!, vp.baseAddress!, out.baseAddress!)
                        WorkerPool.shared.forEach(n * heads, threads: workers) { item, thread in
                            let image = item / heads, h = item % heads
                            let qh = base + thread * slot, kh = qh + l * hd, vh = kh + l * hd, context = vh + l * hd
                            let scores = context + l * hd
                            for t in 0..<l {  // gather one head's rows: [L, hd]
                                let from = (image * l + t) * d + h * hd
                                for i in 0..<hd {
                                    qh[t * hd + i] = qs[from + i] * scale
                                    kh[t * hd + i] = ks[from + i]
                                    vh[t * hd + i] = vs[from + i]
                                }
                            }
                            MatrixMultiply.gemm(m: l, n: l, k: hd, a: qh, b: kh, transposeB: true, c: scores)
                            Self.softmaxRows(scores, l, causal: causal)
                            MatrixMultiply.gemm(m: l, n: hd, k: l, a: scores, b: vh, c: context)
                            for t in 0..<l {
                                let to = (image * l + t) * d + h * hd
                                for i in 0..<hd { os[to + i] = context[t * hd + i] }
                            }
                        }
                    }
                }
            }
        }
        return try output(mixed, threads: threads)
    }

    /// Softmax of each row of an `l × l` score matrix, in place, with `Double` sums; above the diagonal masked to
    /// zero when `causal`.
    static func softmaxRows(_ scores: UnsafeMutablePointer<Float>, _ l: Int, causal: Bool) {
        for r in 0..<l {
            let row = scores + r * l, end = causal ? r + 1 : l
            var top = -Float.infinity
            for c in 0..<end { top = Swift.max(top, row[c]) }
            var total = 0.0
            for c in 0..<end {
                let e = exp(row[c] - top)
                row[c] = e
                total += Double(e)
            }
            let inverse = Float(1 / total)
            for c in 0..<end { row[c] *= inverse }
            for c in end..<l { row[c] = 0 }
        }
    }
}
