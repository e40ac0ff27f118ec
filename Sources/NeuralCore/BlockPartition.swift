/// A split of `0..<total` into contiguous blocks whose bounds depend on `total` alone, never on a thread count.
///
/// Threaded kernels hand whole blocks to threads. Because every block is the same BLAS call (same shapes, same
/// operands) whether one thread runs them all or several share them, the result is bit-identical on any thread
/// count by construction, whatever kernel the BLAS library picks: a BLAS routine may round a row differently
/// when it sits in a partial tile of a smaller product (OpenBLAS's Haswell and Zen kernels do), so splitting
/// the same product differently per thread count would change the bits.
///
/// There are `min(maximumBlocks, total / minimumSize)` blocks (at least one); every bound but the last is a
/// multiple of 16, so blocks of a row-major matrix start on 64-byte boundaries of its rows.
package struct BlockPartition: Sendable, Equatable {
    /// The size split.
    package let total: Int
    /// How many blocks.
    package let count: Int

    /// Blocks of at least `minimumSize` (where `total` allows), at most `maximumBlocks` of them. The default cap of
    /// 8 lets up to 8 threads share one product.
    package init(_ total: Int, minimumSize: Int = 64, maximumBlocks: Int = 8) {
        self.total = Swift.max(0, total)
        count = Swift.max(1, Swift.min(maximumBlocks, self.total / Swift.max(1, minimumSize)))
    }

    /// Block `index`'s range.
    package subscript(index: Int) -> Range<Int> {
        let lower = index == 0 ? 0 : (total * index / count) & ~15
        let upper = index == count - 1 ? total : (total * (index + 1) / count) & ~15
        return lower..<upper
    }
}
