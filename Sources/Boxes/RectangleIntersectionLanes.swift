/// The area of the intersection of two rectangles with `P`'s four edges in the four lanes of SIMD vectors: the
/// operations of `RectangleIntersection` (whose doc comment gives the method) in the same order, its branches
/// turned into lane masks and its sum over the kept pieces taken lane by lane in edge order, so the result is
/// bit-identical to the scalar reference's (the tests hold them so).
enum RectangleIntersectionLanes {
    typealias Lanes = SIMD4<Double>
    typealias Mask = SIMDMask<SIMD4<Int64>>

    /// The area of `P ∩ Q`; 0 when either box has no area (or a value is not a number).
    static func area(_ p: OrientedQuad, _ q: OrientedQuad) -> Double {
        guard p.area > 0, q.area > 0 else { return 0 }
        let o = p.centre
        // Lane k: corner k of P, and corner k + 1 (the end of edge k).
        let ax = Lanes(p.corners[0].x, p.corners[1].x, p.corners[2].x, p.corners[3].x) - o.x
        let ay = Lanes(p.corners[0].y, p.corners[1].y, p.corners[2].y, p.corners[3].y) - o.y
        let nx = rotated(ax, 1), ny = rotated(ay, 1)
        let b = InlineArray<4, SIMD2<Double>> { q.corners[$0] - o }
        // Step 1: the four edges clipped by Q's lines m.
        var t0 = Lanes(repeating: 0), t1 = Lanes(repeating: 1), outside = Mask(repeating: false)
        var enter = Lanes(repeating: -1), leave = enter
        for m in 0..<4 {
            let e = b[(m + 1) % 4] - b[m]
            let sa = e.x * (ay - b[m].y) - e.y * (ax - b[m].x)
            let sb = e.x * (ny - b[m].y) - e.y * (nx - b[m].x)
            let t = sa / (sa - sb)
            let aOut = sa .< 0, bOut = sb .< 0
            outside .|= aOut .& bOut
            let enters = aOut .& .!bOut .& (t .>= t0)
            t0.replace(with: t, where: enters)
            enter.replace(with: Double(m), where: enters)
            let leaves = .!aOut .& bOut .& (t .<= t1)
            t1.replace(with: t, where: leaves)
            leave.replace(with: Double(m), where: leaves)
        }
        let kept = .!outside .& (t1 .>= t0)
        guard any(kept) else { return inside(q.centre - o, ax, ay, nx, ny) ? q.area : 0 }
        let dx = nx - ax, dy = ny - ay
        let startX = (ax + dx * t0).replacing(with: ax, where: enter .< 0)
        let startY = (ay + dy * t0).replacing(with: ay, where: enter .< 0)
        let endX = (ax + dx * t1).replacing(with: nx, where: leave .< 0)
        let endY = (ay + dy * t1).replacing(with: ny, where: leave .< 0)
        // Step 2: for each kept piece, the next kept one (k + 1, k + 2, k + 3 or itself), and the way there.
        let keptLanes = Lanes(repeating: 0).replacing(with: 1, where: kept)
        var toX = startX, toY = startY, m2 = enter
        for step in stride(from: 3, through: 1, by: -1) {
            let use = rotated(keptLanes, step) .> 0
            toX.replace(with: rotated(startX, step), where: use)
            toY.replace(with: rotated(startY, step), where: use)
            m2.replace(with: rotated(enter, step), where: use)
        }
        let m1 = leave
        let piece = cross(startX, startY, endX, endY)
        let direct = piece + cross(endX, endY, toX, toY)
        let (cx1, cy1) = corner(b, wrapped(m1 + 1))
        var path = piece + cross(endX, endY, cx1, cy1)
        let count = wrapped(m2 - m1 + 4)
        for i in 0..<4 {
            let between = wrapped(Double(i) - m1 + 3) .< count - 1
            path.replace(with: path + RectangleIntersection.cross(b[i], b[(i + 1) % 4]), where: between)
        }
        let (cx2, cy2) = corner(b, m2)
        path = path + cross(cx2, cy2, toX, toY)
        let joinsDirectly = (m1 .< 0) .| (m2 .< 0) .| (m1 .== m2)
        let c = path.replacing(with: direct, where: joinsDirectly).replacing(with: 0, where: .!kept)
        let total = ((c[0] + c[1]) + c[2]) + c[3]
        return total * 0.5 > 0 ? total * 0.5 : 0
    }

    /// Whether point `c` lies inside P, its edges running from `(ax, ay)` to `(nx, ny)` lane by lane.
    static func inside(_ c: SIMD2<Double>, _ ax: Lanes, _ ay: Lanes, _ nx: Lanes, _ ny: Lanes) -> Bool {
        all((nx - ax) * (c.y - ay) - (ny - ay) * (c.x - ax) .>= 0)
    }

    /// The lanes of `v` moved `step` places down: lane k holds `v[k + step]` (cyclically).
    @inline(__always) static func rotated(_ v: Lanes, _ step: Int) -> Lanes {
        Lanes(v[step % 4], v[(step + 1) % 4], v[(step + 2) % 4], v[(step + 3) % 4])
    }

    /// `v` modulo 4 for whole numbers in [0, 8).
    @inline(__always) static func wrapped(_ v: Lanes) -> Lanes { v.replacing(with: v - 4, where: v .>= 4) }

    /// Corner `index` of Q in each lane (indices in 0 … 3; others give corner 0).
    @inline(__always) static func corner(_ b: InlineArray<4, SIMD2<Double>>, _ index: Lanes) -> (Lanes, Lanes) {
        var x = Lanes(repeating: b[0].x), y = Lanes(repeating: b[0].y)
        for i in 1..<4 {
            x.replace(with: b[i].x, where: index .== Double(i))
            y.replace(with: b[i].y, where: index .== Double(i))
        }
        return (x, y)
    }

    /// `ux vy − vx uy` in each lane.
    @inline(__always) static func cross(_ ux: Lanes, _ uy: Lanes, _ vx: Lanes, _ vy: Lanes) -> Lanes { ux * vy - vx * uy }
}
