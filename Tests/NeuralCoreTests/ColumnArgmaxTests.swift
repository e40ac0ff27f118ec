import DetectKitUtilities
import Testing

@testable import NeuralCore

/// The vectorised column maximum equals its scalar reference on every instruction set: values, first row on ties,
/// and the finite flag, for widths around the vector length and with NaN and infinities placed anywhere.
@Suite struct ColumnArgmaxTests {
    @Test(arguments: [1, 7, 16, 17, 33, 200, 300])  // 200 and 300: one and two blocks of 128 columns (AVX-512) and a remainder
    func equalsTheReference(columns: Int) {
        var rng = SplitMix64(seed: UInt64(columns))
        for rows in [1, 2, 5, 80] {
            for special: Float? in [nil, .nan, .infinity, -.infinity] {
                // Few distinct values, so that ties are common.
                var m = (0..<(rows * columns)).map { _ in Float(Int.random(in: 0..<6, using: &rng)) / 4 - 0.5 }
                if let special { m[Int.random(in: 0..<m.count, using: &rng)] = special }
                let reference = columnArgmaxReference(m, rows: rows, columns: columns)
                // Every instruction-set level this CPU has (portable, AVX2, AVX-512), and the dispatched one.
                for level in -1...2 {
                    guard let fast = m.withUnsafeBufferPointer({ columnArgmax($0, rows: rows, columns: columns, level: level) }) else { continue }
                    let what = "level \(level), \(rows)×\(columns) \(String(describing: special))"
                    #expect(fast.values.map(\.bitPattern) == reference.values.map(\.bitPattern), "\(what)")
                    #expect(fast.rows == reference.rows, "\(what)")
                    #expect(fast.allFinite == reference.allFinite && fast.allFinite == (special == nil), "\(what)")
                }
            }
        }
    }
}
