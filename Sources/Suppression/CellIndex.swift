import Boxes
import Foundation

/// A static spatial index over all boxes of a group, for methods whose box set is known up front (the soft
/// family, weighted NMS, matrix NMS): it reports every remaining box that overlaps a query box, once, with their
/// IoU.
///
/// Boxes are sorted into levels by size (a level holds boxes whose longer side is within a factor 2), and on each
/// level into a grid by their centre, each box in exactly one cell. A box `b` can only overlap a query `q` if its
/// centre lies within `q` grown by `b`'s half-extent, so a query visits, per level, the cells covering `q` grown
/// by that level's largest half-extent: few boxes beyond those that really overlap, whatever the mix of sizes.
/// Each cell stores its boxes contiguously as coordinate columns, and a query runs the vectorised IoU kernel
/// (``Boxes/OverlapKernels/ious(of:with:convention:into:)``, bit-identical to the scalar IoU) over whole cells,
/// looking only at entries with IoU > 0. A method removes boxes it no longer wants (O(1), through a slot map).
final class CellIndex {
    /// One level: a grid of cells over the centres of boxes of similar size.
    private struct Level {
        var originX = 0.0, originY = 0.0, inverseCell = 1.0
        var columns = 1, rows = 1
        /// The largest half-width and half-height of the level's boxes (with the convention's offset).
        var halfWidth = 0.0, halfHeight = 0.0
        /// Index of the level's first cell in `start` / `live`.
        var firstCell = 0

        /// A grid over the given centres and half-extents: cells about as large as the level's largest box,
        /// at most about twice as many as boxes.
        init(of boxes: [(Double, Double, Double, Double)]) {
            var minX = Double.infinity, minY = Double.infinity, maxX = -Double.infinity, maxY = -Double.infinity
            for (cx, cy, hw, hh) in boxes {
                minX = Swift.min(minX, cx)
                maxX = Swift.max(maxX, cx)
                minY = Swift.min(minY, cy)
                maxY = Swift.max(maxY, cy)
                halfWidth = Swift.max(halfWidth, hw)
                halfHeight = Swift.max(halfHeight, hh)
            }
            let spanX = maxX - minX, spanY = maxY - minY
            var cell = Swift.max(2 * Swift.max(halfWidth, halfHeight), 1e-30)
            let budget = Double(2 * boxes.count + 16)
            while ((spanX / cell).rounded(.down) + 1) * ((spanY / cell).rounded(.down) + 1) > budget { cell *= 1.5 }
            originX = minX
            originY = minY
            inverseCell = 1 / cell
            columns = Int((spanX / cell).rounded(.down)) + 1
            rows = Int((spanY / cell).rounded(.down)) + 1
        }

        /// The cell holding a centre (which lies inside the level's span).
        func cellIndex(_ x: Double, _ y: Double) -> Int {
            let (c, r) = clampedCell(x, y)
            return r * columns + c
        }

        /// Column and row of a point, clamped into the grid.
        func clampedCell(_ x: Double, _ y: Double) -> (Int, Int) {
            func index(_ v: Double, _ origin: Double, _ count: Int) -> Int {
                let t = ((v - origin) * inverseCell).rounded(.down)
                return t <= 0 ? 0 : (t >= Double(count - 1) ? count - 1 : Int(t))
            }
            return (index(x, originX, columns), index(y, originY, rows))
        }
    }

    private let offset: Double
    private let convention: BoxConvention
    private var levels: [Level] = []
    /// `start[c]..<start[c] + live[c]` are the entries of cell `c`.
    private var start: [Int32] = []
    private var live: UnsafeMutablePointer<Int32>
    /// Entry columns and ids, cell after cell, and room for one cell's IoUs; raw storage, as the scans are the
    /// hot path.
    private let x1: UnsafeMutablePointer<Float>, y1: UnsafeMutablePointer<Float>
    private let x2: UnsafeMutablePointer<Float>, y2: UnsafeMutablePointer<Float>
    private let ids: UnsafeMutablePointer<Int32>
    private let scratch: UnsafeMutablePointer<Float>
    /// Per id: its cell, and its entry slot (-1 once removed).
    private let cellOf: [Int32]
    private let slot: UnsafeMutablePointer<Int32>
    private static let maxLevels = 12

    /// An index of every box of `all`, by position.
    init(_ all: BoxArray, convention: BoxConvention) {
        self.convention = convention
        offset = Double(convention.offset)
        let n = all.count
        // Level of each box: ⌈log2(side / base)⌉, with base the smallest side (bounded so there are ≤ maxLevels).
        let sides = (0..<n).map {
            Swift.max(Double(all.x2[$0]) - Double(all.x1[$0]), Double(all.y2[$0]) - Double(all.y1[$0])) + Double(convention.offset)
        }
        let largest = sides.max() ?? 0
        let base = Swift.max(sides.filter { $0 > 0 }.min() ?? 1, largest / Double(1 << (Self.maxLevels - 1)), 1e-30)
        let levelOf = sides.map { s in s <= base ? 0 : Swift.min(Int(ceil(log2(s / base))), Self.maxLevels - 1) }
        var members = [[Int]](repeating: [], count: Self.maxLevels)
        for i in 0..<n { members[levelOf[i]].append(i) }
        // Lay out each non-empty level's grid, then count, place and fill entries cell by cell.
        var cellOf = [Int](repeating: 0, count: n)
        var cellCount = 0
        var levels: [Level] = []
        for group in members where !group.isEmpty {
            var level = Level(of: group.map { Self.center(all[$0], Double(convention.offset)) })
            level.firstCell = cellCount
            cellCount += level.columns * level.rows
            for i in group {
                let (cx, cy, _, _) = Self.center(all[i], Double(convention.offset))
                cellOf[i] = level.firstCell + level.cellIndex(cx, cy)
            }
            levels.append(level)
        }
        self.levels = levels
        var count = [Int32](repeating: 0, count: cellCount)
        for i in 0..<n { count[cellOf[i]] += 1 }
        var start = [Int32](repeating: 0, count: cellCount)
        var total: Int32 = 0
        for c in 0..<cellCount {
            start[c] = total
            total += count[c]
        }
        self.start = start
        self.cellOf = cellOf.map { Int32($0) }
        slot = .allocate(capacity: n)
        live = .allocate(capacity: cellCount)
        live.initialize(repeating: 0, count: cellCount)
        x1 = .allocate(capacity: n)
        y1 = .allocate(capacity: n)
        x2 = .allocate(capacity: n)
        y2 = .allocate(capacity: n)
        ids = .allocate(capacity: n)
        for i in 0..<n {
            let c = cellOf[i]
            let k = Int(start[c] + live[c])
            (x1[k], y1[k], x2[k], y2[k], ids[k]) = (all.x1[i], all.y1[i], all.x2[i], all.y2[i], Int32(i))
            slot[i] = Int32(k)
            live[c] += 1
        }
        scratch = .allocate(capacity: Int(count.max() ?? 0))
    }

    deinit {
        for p in [x1, y1, x2, y2, scratch] { p.deallocate() }
        ids.deallocate()
        live.deallocate()
        slot.deallocate()
    }

    /// Centre and half-extents of a box with the convention's offset, in `Double`.
    private static func center(_ b: Box, _ offset: Double) -> (Double, Double, Double, Double) {
        let hw = (Double(b.x2) - Double(b.x1) + offset) / 2, hh = (Double(b.y2) - Double(b.y1) + offset) / 2
        return (Double(b.x1) + hw, Double(b.y1) + hh, hw, hh)
    }

    /// Calls `visit` once with the id of every remaining box that overlaps `b` (`IoU(b, box) > 0`), and that IoU,
    /// until it answers `false`.
    func visit(overlapping b: Box, _ visit: (Int, Float) -> Bool) {
        let (cx, cy, hw, hh) = Self.center(b, offset)
        for level in levels {
            // Centres of overlapping boxes lie within the query grown by the level's half-extents; the margin
            // covers rounding in the centre arithmetic.
            let gx: Double = hw + level.halfWidth
            let gy: Double = hh + level.halfHeight
            let mx: Double = 1e-9 * (Swift.abs(cx) + gx) + 1e-30
            let my: Double = 1e-9 * (Swift.abs(cy) + gy) + 1e-30
            let (c0, r0) = level.clampedCell(cx - gx - mx, cy - gy - my)
            let (c1, r1) = level.clampedCell(cx + gx + mx, cy + gy + my)
            for r in r0...r1 {
                for c in c0...c1 where !scan(level.firstCell + r * level.columns + c, b, visit) { return }
            }
        }
    }

    /// Takes box `id` out of the index (if it is still there).
    func remove(_ id: Int) {
        let k = Int(slot[id])
        guard k >= 0 else { return }
        let cell = Int(cellOf[id])
        live[cell] -= 1
        let last = Int(start[cell] + live[cell])
        (x1[k], y1[k], x2[k], y2[k], ids[k]) = (x1[last], y1[last], x2[last], y2[last], ids[last])
        slot[Int(ids[k])] = Int32(k)
        slot[id] = -1
    }

    /// Scans one cell; false when the visitor stopped.
    @inline(__always)
    private func scan(_ cell: Int, _ b: Box, _ visit: (Int, Float) -> Bool) -> Bool {
        let first = Int(start[cell]), count = Int(live[cell])
        guard count > 0 else { return true }
        func column(_ p: UnsafeMutablePointer<Float>) -> UnsafeBufferPointer<Float> {
            UnsafeBufferPointer(start: p + first, count: count)
        }
        OverlapKernels.ious(
            of: b, with: BoxColumns(x1: column(x1), y1: column(y1), x2: column(x2), y2: column(y2)),
            convention: convention, into: scratch)
        for k in 0..<count where scratch[k] > 0 {
            if !visit(Int(ids[first + k]), scratch[k]) { return false }
        }
        return true
    }
}
