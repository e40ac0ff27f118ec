import Foundation

/// A rectangle's four corners in `Double`, counter-clockwise, and its signed area, in fixed-size storage: what the
/// rectangle overlaps of ``RotatedOverlap`` clip, without allocating. Every value is computed by the operations of
/// `RotatedOverlapReference`, in the same order, so the results are bit-identical to it.
struct OrientedQuad {
    /// The corners, counter-clockwise (positive signed area, x right, y up in the maths).
    var corners: InlineArray<4, SIMD2<Double>>
    /// The shoelace area of ``corners``.
    var signedArea: Double

    init(_ r: RotatedBox) {
        let c = SIMD2(Double(r.cx), Double(r.cy)), t = Double(r.angle)
        let v1 = SIMD2(Double(r.width) / 2 * cos(t), Double(r.width) / 2 * sin(t))
        let v2 = SIMD2(-Double(r.height) / 2 * sin(t), Double(r.height) / 2 * cos(t))
        var p: InlineArray<4, SIMD2<Double>> = [c + v1 + v2, c + v1 - v2, c - v1 - v2, c - v1 + v2]
        if Self.shoelace(p, count: 4) < 0 { p = [p[3], p[2], p[1], p[0]] }
        corners = p
        signedArea = Self.shoelace(p, count: 4)
    }

    /// The shoelace formula over the first `count` points (0 below 3).
    static func shoelace<let N: Int>(_ p: InlineArray<N, SIMD2<Double>>, count: Int) -> Double {
        guard count >= 3 else { return 0 }
        var s = 0.0
        for i in 0..<count {
            let a = p[i], b = p[(i + 1) % count]
            s += a.x * b.y - b.x * a.y
        }
        return s / 2
    }

    /// The area of `subject ∩ clip`: `subject` clipped by each edge of `clip` in turn (Sutherland–Hodgman). A convex
    /// quadrilateral cut by four half-planes keeps at most eight vertices; the buffers hold 64, what four cuts can
    /// make at worst (each vertex gives at most two) should rounding make a nearly flat polygon cross a line often.
    static func intersectionArea(_ subject: OrientedQuad, _ clip: OrientedQuad) -> Double {
        guard abs(clip.signedArea) > 0, abs(subject.signedArea) > 0 else { return 0 }
        var output = InlineArray<64, SIMD2<Double>>(repeating: .zero), input = output, count = 4
        for k in 0..<4 { output[k] = subject.corners[k] }
        for i in 0..<4 {
            let p = clip.corners[i], q = clip.corners[(i + 1) % 4]
            let n = count
            for k in 0..<n { input[k] = output[k] }
            count = 0
            guard n > 0 else { break }
            for j in 0..<n {
                let current = input[j], previous = input[(j + n - 1) % n]
                let sc = (q.x - p.x) * (current.y - p.y) - (q.y - p.y) * (current.x - p.x)
                let sp = (q.x - p.x) * (previous.y - p.y) - (q.y - p.y) * (previous.x - p.x)
                if sc >= 0 {
                    if sp < 0 {
                        output[count] = previous + (current - previous) * (sp / (sp - sc))
                        count += 1
                    }
                    output[count] = current
                    count += 1
                } else if sp >= 0 {
                    output[count] = previous + (current - previous) * (sp / (sp - sc))
                    count += 1
                }
            }
        }
        return max(0, shoelace(output, count: count))
    }
}
