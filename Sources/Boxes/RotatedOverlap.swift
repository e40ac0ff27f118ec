import Foundation

/// Overlaps of oriented boxes, in `Double`.
///
/// The rectangle overlaps clip one box's corners by the other's edges in fixed-size buffers (`OrientedQuad`), with
/// the operations of the plain array-based transcription beside them (`RotatedOverlapReference`, which the tests
/// hold them bit-identical to); ``ious(_:_:)`` computes one box's corners once for many.
public enum RotatedOverlap {
    /// Exact IoU: the area of the two rectangles' intersection (convex polygon clipping, Sutherland–Hodgman) over
    /// `area(a) + area(b) − intersection`; 0 when that union is 0 (boxes of zero size). Equal to shapely's
    /// `Polygon.intersection(...).area / union` (tested to 1e-6 relative).
    public static func iou(_ a: RotatedBox, _ b: RotatedBox) -> Double { iou(OrientedQuad(a), OrientedQuad(b)) }

    /// ``iou(_:_:)`` of `box` with each of `others`, `box`'s corners computed once.
    public static func ious(_ box: RotatedBox, _ others: [RotatedBox]) -> [Double] {
        let q = OrientedQuad(box)
        return others.map { iou(q, OrientedQuad($0)) }
    }

    static func iou(_ p: OrientedQuad, _ q: OrientedQuad) -> Double {
        let inter = OrientedQuad.intersectionArea(p, q)
        let union = abs(p.signedArea) + abs(q.signedArea) - inter
        return union > 0 ? max(0, min(1, inter / union)) : 0
    }

    /// The area of the two rectangles' intersection (convex polygon clipping); 0 when either has no area.
    public static func intersection(_ a: RotatedBox, _ b: RotatedBox) -> Double {
        OrientedQuad.intersectionArea(OrientedQuad(a), OrientedQuad(b))
    }

    /// Exact IoS: the area of the two rectangles' intersection over the smaller of their areas, clamped to [0, 1]
    /// (SAHI's `IOS` on oriented boxes: a part cut by a tile border lies inside the whole object's box); 0 when the
    /// smaller area is 0.
    public static func ios(_ a: RotatedBox, _ b: RotatedBox) -> Double {
        let p = OrientedQuad(a), q = OrientedQuad(b)
        let smaller = min(abs(p.signedArea), abs(q.signedArea))
        return smaller > 0 ? max(0, min(1, OrientedQuad.intersectionArea(p, q) / smaller)) : 0
    }

    /// ProbIoU (Llerena et al., "Gaussian Bounding Boxes and Probabilistic Intersection-over-Union for Object
    /// Detection", 2021) exactly as Ultralytics' `batch_probiou` computes it: each box as a Gaussian with covariance
    /// `R diag(w²/12, h²/12) Rᵀ` = `[[a, c], [c, b]]`, with `D = (a₁+a₂)(b₁+b₂) − (c₁+c₂)²` the Bhattacharyya
    /// distance `B = ((a₁+a₂)(y₁−y₂)² + (b₁+b₂)(x₁−x₂)²) / (4(D+ε)) + (c₁+c₂)(x₂−x₁)(y₁−y₂) / (2(D+ε))
    /// + ½ ln(D / (4√(det₁ det₂) + ε) + ε)` (ε = 10⁻⁷, determinants clamped at 0), clamped to [ε, 100], and
    /// `1 − √(1 − e^(−B) + ε)`.
    public static func probIoU(_ one: RotatedBox, _ two: RotatedBox, eps: Double = 1e-7) -> Double {
        func covariance(_ r: RotatedBox) -> (Double, Double, Double) {
            let a = Double(r.width) * Double(r.width) / 12, b = Double(r.height) * Double(r.height) / 12
            let t = Double(r.angle), cosine = cos(t), sine = sin(t)
            let cos2 = cosine * cosine, sin2 = sine * sine
            return (a * cos2 + b * sin2, a * sin2 + b * cos2, (a - b) * cosine * sine)
        }
        let (a1, b1, c1) = covariance(one), (a2, b2, c2) = covariance(two)
        let x1 = Double(one.cx), y1 = Double(one.cy), x2 = Double(two.cx), y2 = Double(two.cy)
        let d = (a1 + a2) * (b1 + b2) - (c1 + c2) * (c1 + c2)
        let t1 = ((a1 + a2) * (y1 - y2) * (y1 - y2) + (b1 + b2) * (x1 - x2) * (x1 - x2)) / (d + eps) * 0.25
        let t2 = ((c1 + c2) * (x2 - x1) * (y1 - y2)) / (d + eps) * 0.5
        let det1 = max(a1 * b1 - c1 * c1, 0), det2 = max(a2 * b2 - c2 * c2, 0)
        let t3 = log(d / (4 * (det1 * det2).squareRoot() + eps) + eps) * 0.5
        let bd = min(max(t1 + t2 + t3, eps), 100)
        return 1 - (1 - exp(-bd) + eps).squareRoot()
    }
}
