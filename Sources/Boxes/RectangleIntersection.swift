/// The area of the intersection of two rectangles: the scalar reference of `RectangleIntersectionLanes`, which
/// performs the same operations on the four edges at once (the tests hold the two bit-identical).
///
/// The intersection `P ∩ Q` of two convex polygons is bounded by the parts of `P`'s edges inside `Q`, joined by the
/// stretches of `Q`'s boundary between where `P`'s boundary leaves `Q` and where it next enters; its area is
/// `½ ∮ (x dy − y dx)` along that boundary (Green's theorem), and a straight piece from `u` to `v` contributes
/// `½ cross(u, v)`. With coordinates taken about `P`'s centre:
/// 1. each edge `a → b` of `P` is clipped by `Q`'s four half-planes (Cyrus–Beck): with `sₐ`, `s_b` the signed
///    distances (times the edge length) of its ends from a line of `Q`, positive inside, the edge enters the
///    half-plane at `t = sₐ / (sₐ − s_b)` when `sₐ < 0 ≤ s_b`, leaves it there when `s_b < 0 ≤ sₐ`, and is outside
///    it when both are negative; the piece `[t₀, t₁]` (latest entry, earliest exit) is kept when `t₁ ≥ t₀`,
///    remembering the lines it entered and left by;
/// 2. from where a piece leaves `Q` (through line `m₁`) to where the next kept piece enters it (through line
///    `m₂ ≠ m₁`), the boundary follows `Q` counter-clockwise: to corner `m₁+1`, along `Q`'s edges `m₁+1 … m₂−1`, and
///    from corner `m₂`; an end at a corner of `P` inside `Q`, or an exit and entry by the same line, joins the next
///    piece directly;
/// 3. when no piece is kept, `Q` lies inside `P` (its centre is inside) or the two are apart.
///
/// Every decision rests on the sign of a corner's side of a line, the same number for the two edges that share the
/// corner, so the joins stay consistent however close the boxes come (identical boxes, shared edges, nested boxes,
/// a corner touching an edge): rounding moves a crossing point along its line, never a stretch of `Q`'s boundary in
/// or out whole. A box's intersection with itself is exactly its ``OrientedQuad/area``.
enum RectangleIntersection {
    /// The area of `P ∩ Q`; 0 when either box has no area (or a value is not a number).
    static func area(_ p: OrientedQuad, _ q: OrientedQuad) -> Double {
        guard p.area > 0, q.area > 0 else { return 0 }
        let o = p.centre
        var a = InlineArray<4, SIMD2<Double>>(repeating: .zero), b = a
        for k in 0..<4 {
            a[k] = p.corners[k] - o
            b[k] = q.corners[k] - o
        }
        // Step 1: each edge k of P clipped by Q's lines m.
        var start = a, end = a
        var enter = InlineArray<4, Int>(repeating: -1), leave = enter
        var kept = InlineArray<4, Bool>(repeating: false)
        for k in 0..<4 {
            let next = (k + 1) % 4, d = a[next] - a[k]
            var t0 = 0.0, t1 = 1.0, outside = false
            for m in 0..<4 {
                let e = b[(m + 1) % 4] - b[m]
                let sa = e.x * (a[k].y - b[m].y) - e.y * (a[k].x - b[m].x)
                let sb = e.x * (a[next].y - b[m].y) - e.y * (a[next].x - b[m].x)
                let t = sa / (sa - sb)
                if sa < 0 && sb < 0 { outside = true }
                if sa < 0 && !(sb < 0) && t >= t0 { (t0, enter[k]) = (t, m) }
                if !(sa < 0) && sb < 0 && t <= t1 { (t1, leave[k]) = (t, m) }
            }
            kept[k] = !outside && t1 >= t0
            start[k] = enter[k] < 0 ? a[k] : a[k] + d * t0
            end[k] = leave[k] < 0 ? a[next] : a[k] + d * t1
        }
        // Step 2: each kept piece and the way to the next.
        var total = 0.0, anyKept = false
        for k in 0..<4 where kept[k] {
            anyKept = true
            var n = k
            for step in stride(from: 3, through: 1, by: -1) where kept[(k + step) % 4] { n = (k + step) % 4 }
            let m1 = leave[k], m2 = enter[n]
            var c = cross(start[k], end[k])
            if m1 < 0 || m2 < 0 || m1 == m2 {
                c += cross(end[k], start[n])
            } else {
                c += cross(end[k], b[(m1 + 1) % 4])
                let count = (m2 - m1 + 4) % 4
                for i in 0..<4 where (i - m1 + 3) % 4 < count - 1 { c += cross(b[i], b[(i + 1) % 4]) }
                c += cross(b[m2], start[n])
            }
            total += c
        }
        if anyKept { return total * 0.5 > 0 ? total * 0.5 : 0 }
        // Step 3: Q inside P, or apart.
        let c = q.centre - o
        var inside = true
        for k in 0..<4 {
            let e = a[(k + 1) % 4] - a[k]
            if !(e.x * (c.y - a[k].y) - e.y * (c.x - a[k].x) >= 0) { inside = false }
        }
        return inside ? q.area : 0
    }

    /// `u.x v.y − v.x u.y`.
    @inline(__always) static func cross(_ u: SIMD2<Double>, _ v: SIMD2<Double>) -> Double { u.x * v.y - v.x * u.y }
}
