@testable import Boxes
import Foundation
import Testing

/// `Exponential` against Foundation's `exp`, and its four-lane form against the scalar one bit for bit.
@Suite struct ExponentialTests {
    static func values() -> [Double] {
        var g = SystemRandomNumberGenerator()
        var out: [Double] = [0, -0.0, .nan, .infinity, -.infinity, 700, -700, 700.nextUp, -700.nextDown, -745, 710, 1e-300]
        for k in -60...60 {
            let x = Double(k) * M_LN2 / 2
            out += [x, x.nextUp, x.nextDown]
        }
        for _ in 0..<20_000 { out.append(Double.random(in: -120...5, using: &g)) }
        for _ in 0..<4_000 { out.append(Double.random(in: -700...700, using: &g)) }
        for _ in 0..<2_000 { out.append(Double.random(in: -1e-6...1e-6, using: &g)) }
        return out
    }

    @Test func withinTwoUlpsOfFoundation() {
        var worst = 0.0
        for x in Self.values() {
            let ours = Exponential.of(x), theirs = Foundation.exp(x)
            if theirs.isNaN {
                #expect(ours.isNaN, "\(x)")
                continue
            }
            if theirs.isInfinite || theirs == 0 {
                #expect(ours == theirs, "\(x)")
                continue
            }
            let ulps = abs(ours - theirs) / theirs.ulp
            worst = max(worst, ulps)
            #expect(ulps <= 2, "\(x): \(ours) vs \(theirs)")
        }
        #expect(worst > 0)  // not Foundation's function: the test compares two different computations
    }

    @Test func lanesEqualTheScalarReference() {
        let values = Self.values()
        for i in stride(from: 0, to: values.count - 3, by: 3) {
            let x = SIMD4(values[i], values[i + 1], values[i + 2], values[i + 3])
            let lanes = Exponential.of(x)
            for lane in 0..<4 { #expect(lanes[lane].bitPattern == Exponential.of(x[lane]).bitPattern, "\(x[lane])") }
        }
    }
}
