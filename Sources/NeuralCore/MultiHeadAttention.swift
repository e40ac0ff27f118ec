import CNeuralKernels
import Foundation

/// Multi-head self-attention as in CLIP (Hugging Face's `CLIPAttention`), on `[N, L, D]`:
///
///     q = (x Wqᵀ + bq) · d^(−1/2),  k = x Wkᵀ + bk,  v = x Wvᵀ + bv      (per head, d = D / heads)
///     out = concat_h( softmax(q_h k_hᵀ + mask) v_h ) Woᵀ + bo
///
/// where the causal mask, when asked for, is −∞ above the diagonal (a token sees only itself and earlier ones,
/// as CLIP's text tower). Projections are ``Linear`` layers with PyTorch's `[out, in]` weights; the score and
/// value products go through BLAS, reading and writing each head in place; the softmax is a vectorised C kernel
/// (float sums, as PyTorch's).
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
        // Per thread: one head's score matrix. Heads are read in place (row stride D) and written in place.
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: l * l * workers)
        defer { scratch.deallocate() }
        nonisolated(unsafe) let base = scratch
        let mixed = try q.scalars.withUnsafeBufferPointer { qp in
            try k.scalars.withUnsafeBufferPointer { kp in
                try v.scalars.withUnsafeBufferPointer { vp in
                    try Tensor(shape: x.shape) { out in
                        // Each (image, head) writes its own columns of `out`.
                        nonisolated(unsafe) let (qs, ks, vs, os) = (qp.baseAddress!, kp.baseAddress!, vp.baseAddress!, out.baseAddress!)
                        WorkerPool.shared.forEach(n * heads, threads: workers) { item, thread in
                            let offset = (item / heads) * l * d + (item % heads) * hd
                            let scores = base + thread * l * l
                            MatrixMultiply.gemm(
                                m: l, n: l, k: hd, alpha: scale, a: qs + offset, lda: d, b: ks + offset, ldb: d,
                                transposeB: true, c: scores)
                            dk_softmax_rows(scores, l, l, causal ? 1 : 0)
                            MatrixMultiply.gemm(m: l, n: hd, k: l, a: scores, b: vs + offset, ldb: d, c: os + offset, ldc: d)
                        }
                    }
                }
            }
        }
        return try output(mixed, threads: threads)
    }
}
