import CNeuralKernels

/// The largest value of each column of a row-major `rows × columns` matrix and the first row holding it
/// (`torch.max(m, dim=0)` for a matrix without NaN), in one vectorised pass; also whether any value is NaN or
/// infinite (a NaN is never the maximum). A YOLO head's class scores are such a matrix, one row per class.
///
/// `matrix` must hold at least `rows · columns` values; the result has `columns` entries.
public func columnArgmax(_ matrix: UnsafeBufferPointer<Float>, rows: Int, columns: Int) -> (values: [Float], rows: [Int32], allFinite: Bool) {
    columnArgmax(matrix, rows: rows, columns: columns, level: -1)!
}

/// `columnArgmax(_:rows:columns:)` with the kernel of one instruction-set level (0 portable, 1 AVX2, 2 AVX-512;
/// -1 the widest this CPU has), for the tests that check every path; nil when this CPU lacks the level.
package func columnArgmax(_ matrix: UnsafeBufferPointer<Float>, rows: Int, columns: Int, level: Int) -> (values: [Float], rows: [Int32], allFinite: Bool)? {
    guard rows > 0, columns > 0, matrix.count >= rows * columns, let base = matrix.baseAddress else {
        return ([Float](repeating: -.infinity, count: max(columns, 0)), [Int32](repeating: 0, count: max(columns, 0)), true)
    }
    var best = [Float](repeating: 0, count: columns)
    var index = [Int32](repeating: 0, count: columns)
    let bad = best.withUnsafeMutableBufferPointer { b in
        index.withUnsafeMutableBufferPointer { i in dk_column_argmax_level(Int32(level), base, rows, columns, b.baseAddress!, i.baseAddress!) }
    }
    return bad < 0 ? nil : (best, index, bad == 0)
}

/// Plain scalar reference of `columnArgmax(_:rows:columns:)`.
public func columnArgmaxReference(_ matrix: [Float], rows: Int, columns: Int) -> (values: [Float], rows: [Int32], allFinite: Bool) {
    var best = [Float](repeating: -.infinity, count: columns), index = [Int32](repeating: 0, count: columns)
    var finite = true
    for r in 0..<rows {
        for c in 0..<columns {
            let v = matrix[r * columns + c]
            if !v.isFinite { finite = false }
            if v > best[c] {
                best[c] = v
                index[c] = Int32(r)
            }
        }
    }
    return (best, index, finite)
}
