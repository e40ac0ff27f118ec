#if canImport(Accelerate)
import Accelerate
#else
import COpenBLAS
#endif
#if canImport(Glibc)
import Glibc
#endif

/// Single-precision matrix products through BLAS (`sgemm`): OpenBLAS on Linux, Accelerate on macOS.
///
/// BLAS runs on one thread: DetectKit spreads whole-image work over cores itself, and a multi-threaded BLAS
/// under it would oversubscribe them.
public enum MatrixMultiply {
    /// `C = alpha · A · op(B) + beta · C`, row-major: `A` is `m × k`; `B` is `k × n`, or `n × k` when `transposeB`
    /// (PyTorch's `[out, in]` weights); `C` is `m × n`. `lda`, `ldb` and `ldc` are the row strides of `A`, `B` and
    /// `C` when they are blocks of wider matrices (default: their widths).
    public static func gemm(
        m: Int, n: Int, k: Int, alpha: Float = 1, a: UnsafePointer<Float>, lda: Int? = nil, b: UnsafePointer<Float>,
        ldb: Int? = nil, transposeB: Bool = false, c: UnsafeMutablePointer<Float>, ldc: Int? = nil, beta: Float = 0
    ) {
        guard m > 0, n > 0 else { return }
        let ldc = ldc ?? n
        guard k > 0 else {
            for i in 0..<m { for j in 0..<n { c[i * ldc + j] *= beta } }
            return
        }
        useOneThread()
        cblas_sgemm(
            CblasRowMajor, CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans, Int32(m), Int32(n), Int32(k), alpha, a,
            Int32(lda ?? k), b, Int32(ldb ?? (transposeB ? k : n)), beta, c, Int32(ldc))
    }

    /// Pins OpenBLAS to one thread and stops its idle workers (once; later calls do nothing).
    /// ``gemm(m:n:k:alpha:a:lda:b:ldb:transposeB:c:ldc:beta:)`` calls it, and a program should call it first thing:
    /// OpenBLAS starts its worker threads when it is loaded, and they spin in `sched_yield`, taking a core, for their
    /// first tenth of a second or so, even after `openblas_set_num_threads(1)` (measured here: a 75 ms
    /// `detectkit eval` got nothing from a second thread of its own). OpenBLAS's pthread builds export
    /// `blas_thread_shutdown_`, which joins them (the same call its fork handler makes; a later multi-threaded
    /// call would start them again); where it is missing (OpenMP builds, Accelerate) only the pinning is done.
    public static func useOneThread() { _ = singleThreaded }

    private static let singleThreaded: Void = {
        #if !canImport(Accelerate)
        openblas_set_num_threads(1)
        #if canImport(Glibc)
        if let shutdown = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "blas_thread_shutdown_") {
            _ = unsafeBitCast(shutdown, to: (@convention(c) () -> Int32).self)()
        }
        #endif
        #endif
    }()

    /// Plain scalar reference of ``gemm(m:n:k:alpha:a:lda:b:ldb:transposeB:c:ldc:beta:)``, summing in `k` order in `Double`.
    public static func reference(
        m: Int, n: Int, k: Int, a: [Float], b: [Float], transposeB: Bool = false, c: [Float], beta: Float = 0
    ) -> [Float] {
        var out = c
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0
                for p in 0..<k { sum += Double(a[i * k + p]) * Double(transposeB ? b[j * k + p] : b[p * n + j]) }
                out[i * n + j] = Float(sum + Double(beta) * Double(c[i * n + j]))
            }
        }
        return out
    }
}
