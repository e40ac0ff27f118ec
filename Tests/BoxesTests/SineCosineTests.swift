@testable import Boxes
import Foundation
import Testing

/// `SineCosine` against Foundation's `sin` and `cos`, and its four-lane form against the scalar one bit for bit.
@Suite struct SineCosineTests {
    /// Angles of every kind: uniform over several turns, Float angles, multiples of π/4 and their neighbours, the
    /// edges of the reduced range and beyond, zeros and non-finite values.
    static func angles() -> [Double] {
        var g = SystemRandomNumberGenerator()
        var out: [Double] = [0, -0.0, .nan, .infinity, -.infinity, 1e5, -1e5, 1e5.nextUp, -1e5.nextDown, 3e7, 1e300]
        for k in -40...40 {
            let x = Double(k) * .pi / 4
            out += [x, x.nextUp, x.nextDown, Double(Float(x)), x + 1e-9, x - 1e-9]
        }
        for _ in 0..<20_000 { out.append(Double.random(in: -4 * .pi...4 * .pi, using: &g)) }
        for _ in 0..<2_000 { out.append(Double(Float.random(in: -7...7, using: &g))) }
        for _ in 0..<2_000 { out.append(Double.random(in: -1e5...1e5, using: &g)) }
        return out
    }

    /// Within 2 ulp, or 10⁻²⁶ absolute next to a zero.
    @Test func withinTwoUlpsOfFoundation() {
        var worst = 0.0
        for x in Self.angles() {
            let (s, c) = SineCosine.of(x)
            for (ours, theirs) in [(s, Foundation.sin(x)), (c, Foundation.cos(x))] {
                if theirs.isNaN {
                    #expect(ours.isNaN, "\(x)")
                    continue
                }
                let ulps = abs(ours - theirs) / max(theirs.ulp, Double.leastNormalMagnitude)
                worst = max(worst, ulps)
                // Near the zeros (multiples of π/2) the error is absolute: the part of π/2 below the reduction's 119 bits.
                #expect(ulps <= 2 || abs(ours - theirs) <= 1e-26, "\(x): \(ours) vs \(theirs)")
            }
        }
        #expect(worst > 0)  // the polynomial is not Foundation's: the test compares two different computations
    }

    @Test func lanesEqualTheScalarReference() {
        let angles = Self.angles()
        for i in stride(from: 0, to: angles.count - 3, by: 3) {  // groups overlap, so every lane sees every kind
            let x = SIMD4(angles[i], angles[i + 1], angles[i + 2], angles[i + 3])
            let (s, c) = SineCosine.of(x)
            for lane in 0..<4 {
                let (ss, cc) = SineCosine.of(x[lane])
                #expect(s[lane].bitPattern == ss.bitPattern && c[lane].bitPattern == cc.bitPattern, "\(x[lane])")
            }
        }
    }
}
