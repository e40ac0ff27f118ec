import Foundation

/// The plain transcription of the rectangle overlaps of ``RotatedOverlap``: corners in arrays, Sutherland–Hodgman
/// clipping that builds a new array per edge. The fast kernels (`OrientedQuad`) perform the same operations in the
/// same order in fixed-size buffers, and the tests hold the two bit-identical.
package enum RotatedOverlapReference {
    /// Exact IoU, as ``RotatedOverlap/iou(_:_:)``.
    package static func iou(_ a: RotatedBox, _ b: RotatedBox) -> Double {
        let p = polygon(a), q = polygon(b)
        let inter = intersectionArea(p, q)
        let union = abs(signedArea(p)) + abs(signedArea(q)) - inter
        return union > 0 ? max(0, min(1, inter / union)) : 0
    }

    /// Exact IoS, as ``RotatedOverlap/ios(_:_:)``.
    package static func ios(_ a: RotatedBox, _ b: RotatedBox) -> Double {
        let p = polygon(a), q = polygon(b)
        let smaller = min(abs(signedArea(p)), abs(signedArea(q)))
        return smaller > 0 ? max(0, min(1, intersectionArea(p, q) / smaller)) : 0
    }

    /// The corners in `Double`, counter-clockwise (positive signed area, x right, y up in the maths).
    static func polygon(_ r: RotatedBox) -> [SIMD2<Double>] {
        let c = SIMD2(Double(r.cx), Double(r.cy)), t = Double(r.angle)
        let v1 = SIMD2(Double(r.width) / 2 * cos(t), Double(r.width) / 2 * sin(t))
        let v2 = SIMD2(-Double(r.height) / 2 * sin(t), Double(r.height) / 2 * cos(t))
        let p = [c + v1 + v2, c + v1 - v2, c - v1 - v2, c - v1 + v2]
        return signedArea(p) < 0 ? p.reversed() : p
    }

    /// Shoelace formula.
    static func signedArea(_ p: [SIMD2<Double>]) -> Double {
        guard p.count >= 3 else { return 0 }
        var s = 0.0
        for i in p.indices {
            let a = p[i], b = p[(i + 1) % p.count]
            s += a.x * b.y - b.x * a.y
        }
        return s / 2
    }

    /// The area of the intersection of two counter-clockwise convex polygons: `subject` clipped by each edge of
    /// `clip` in turn (Sutherland–Hodgman).
    static func intersectionArea(_ subject: [SIMD2<Double>], _ clip: [SIMD2<Double>]) -> Double {
        guard abs(signedArea(clip)) > 0, abs(signedArea(subject)) > 0 else { return 0 }
        var output = subject
        for i in clip.indices {
            let p = clip[i], q = clip[(i + 1) % clip.count]
            func side(_ v: SIMD2<Double>) -> Double { (q.x - p.x) * (v.y - p.y) - (q.y - p.y) * (v.x - p.x) }
            let input = output
            output = []
            guard !input.isEmpty else { break }
            for j in input.indices {
                let current = input[j], previous = input[(j + input.count - 1) % input.count]
                let sc = side(current), sp = side(previous)
                if sc >= 0 {
                    if sp < 0 { output.append(previous + (current - previous) * (sp / (sp - sc))) }
                    output.append(current)
                } else if sp >= 0 {
                    output.append(previous + (current - previous) * (sp / (sp - sc)))
                }
            }
        }
        return max(0, signedArea(output))
    }
}
