import Foundation

/// Overlaps of oriented boxes, in `Double`.
///
/// Each box is prepared once (its corners, or its Gaussian). The rectangle overlaps measure the area of the
/// intersection by clipping one box's edges by the other's half-planes, the four edges in the four lanes of SIMD
/// vectors (`RectangleIntersectionLanes`, bit-identical to the scalar reference `RectangleIntersection`, whose doc
/// comment gives the method); ProbIoU one against many (``probIoUs(_:_:)``) takes four pairs at a time.
public enum RotatedOverlap {
    /// Exact IoU: the area of the two rectangles' intersection over `area(a) + area(b) − intersection`; 0 when either
    /// box has no area. Equal to shapely's `Polygon.intersection(...).area / union` (tested to 1e-6 relative); 1 for
    /// a box with itself.
    public static func iou(_ a: RotatedBox, _ b: RotatedBox) -> Double { iou(OrientedQuad(a), OrientedQuad(b)) }

    /// ``iou(_:_:)`` of `box` with each of `others`: 0 straight away for a box whose corners' circle is apart from
    /// `box`'s (no trigonometry), the others prepared together.
    public static func ious(_ box: RotatedBox, _ others: [RotatedBox]) -> [Double] {
        let p = OrientedQuad(box)
        let near = others.indices.filter { !OrientedQuad.Circle(others[$0]).isApart(from: p.circle) }
        var out = [Double](repeating: 0, count: others.count)
        for (i, q) in zip(near, OrientedQuad.prepare(near.map { others[$0] })) { out[i] = iou(p, q) }
        return out
    }

    /// The IoU of two prepared rectangles, clamped to [0, 1]; 0 when the union is 0.
    static func iou(_ p: OrientedQuad, _ q: OrientedQuad) -> Double {
        let inter = intersection(p, q), union = p.area + q.area - inter
        return union > 0 ? max(0, min(1, inter / union)) : 0
    }

    /// The area of the two rectangles' intersection; 0 when either has no area.
    public static func intersection(_ a: RotatedBox, _ b: RotatedBox) -> Double {
        intersection(OrientedQuad(a), OrientedQuad(b))
    }

    /// The kernel's area of `p ∩ q`, 0 straight away for rectangles whose corners' circles are apart.
    static func intersection(_ p: OrientedQuad, _ q: OrientedQuad) -> Double {
        p.isApart(from: q) ? 0 : RectangleIntersectionLanes.area(p, q)
    }

    /// Exact IoS: the area of the two rectangles' intersection over the smaller of their areas, clamped to [0, 1]
    /// (SAHI's `IOS` on oriented boxes: a part cut by a tile border lies inside the whole object's box); 0 when the
    /// smaller area is 0.
    public static func ios(_ a: RotatedBox, _ b: RotatedBox) -> Double { ios(OrientedQuad(a), OrientedQuad(b)) }

    /// The IoS of two prepared rectangles.
    static func ios(_ p: OrientedQuad, _ q: OrientedQuad) -> Double {
        let smaller = min(p.area, q.area)
        return smaller > 0 ? max(0, min(1, intersection(p, q) / smaller)) : 0
    }

    /// ProbIoU (Llerena et al., "Gaussian Bounding Boxes and Probabilistic Intersection-over-Union for Object
    /// Detection", 2021) exactly as Ultralytics' `batch_probiou` computes it: each box as a Gaussian with covariance
    /// `R diag(w²/12, h²/12) Rᵀ` = `[[a, c], [c, b]]`, with `D = (a₁+a₂)(b₁+b₂) − (c₁+c₂)²` the Bhattacharyya
    /// distance `B = ((a₁+a₂)(y₁−y₂)² + (b₁+b₂)(x₁−x₂)²) / (4(D+ε)) + (c₁+c₂)(x₂−x₁)(y₁−y₂) / (2(D+ε))
    /// + ½ ln(D / (4√(det₁ det₂) + ε) + ε)` (ε = 10⁻⁷, determinants clamped at 0), clamped to [ε, 100], and
    /// `1 − √(1 − e^(−B) + ε)`.
    public static func probIoU(_ one: RotatedBox, _ two: RotatedBox) -> Double {
        GaussianBox.probIoU(GaussianBox(one), GaussianBox(two))
    }

    /// ``probIoU(_:_:)`` of `box` with each of `others`: the value at the clamp straight away for a box that is far
    /// apart by angle-free bounds (`GaussianReach`), the others prepared together and taken four pairs at a time
    /// (the last group padded with copies).
    public static func probIoUs(_ box: RotatedBox, _ others: [RotatedBox]) -> [Double] {
        let one = GaussianBox(box), g = InlineArray<4, GaussianBox>(repeating: one)
        let near = others.indices.filter { !GaussianReach.farApart(one.reach, GaussianReach(others[$0])) }
        let boxes = GaussianBox.prepare(near.map { others[$0] })
        var out = [Double](repeating: GaussianBox.farValue, count: others.count)
        for i in stride(from: 0, to: boxes.count, by: 4) {
            let n = min(4, boxes.count - i)
            let values = GaussianBox.probIoUs(g, InlineArray { boxes[i + min($0, n - 1)] })
            for k in 0..<n { out[near[i + k]] = values[k] }
        }
        return out
    }
}
