import Boxes
import Foundation

/// The layout of ``CellIndex``: boxes sorted into levels by size, and on each level into a uniform grid by their
/// centre, each box in exactly one cell.
///
/// Level `k` holds boxes whose longer side is within `(base·4^(k-1), base·4^k]` (`base` the group's smallest
/// side, at most 12 levels, the last taking every longer side), and its cells are about as large as its largest box (but no smaller than the median
/// box), at most about twice as many as its boxes. A box `b` can only overlap a query `q` if `b`'s centre lies
/// within `q` grown by `b`'s half-extents, so a query visits, per level, the cells covering `q` grown by the
/// level's largest half-extents: few boxes beyond those that really overlap, whatever the mix of sizes (a single
/// uniform grid either misses large boxes or scans far too much for small ones). Extents include the
/// convention's offset.
struct GridLevels {
    struct Level {
        var originX = 0.0, originY = 0.0, inverseCell = 1.0
        var columns = 1, rows = 1
        /// The largest half-width and half-height of boxes stored on this level.
        var halfWidth = 0.0, halfHeight = 0.0
        /// Index of the level's first cell among all levels' cells.
        var firstCell = 0
        /// Whether any box belongs to this level.
        var occupied = false

        /// Column and row of a point, clamped into the grid.
        @inline(__always)
        func clampedCell(_ x: Double, _ y: Double) -> (Int, Int) {
            @inline(__always) func index(_ v: Double, _ origin: Double, _ count: Int) -> Int {
                // Clamped first, so truncation is the floor (and no libm call on baseline x86-64).
                let t = (v - origin) * inverseCell
                return t <= 0 ? 0 : (t >= Double(count - 1) ? count - 1 : Int(t))
            }
            return (index(x, originX, columns), index(y, originY, rows))
        }
    }

    private(set) var levels: [Level] = []
    /// Total number of cells over all levels.
    let cellCount: Int
    /// The cell each box of the layout is stored in, by position.
    let cells: [Int32]
    private let offset: Double
    private static let maxLevels = 12

    /// The layout for `boxes`, and the cell of each (``cells``).
    init(covering boxes: BoxArray, convention: BoxConvention) {
        let offset = Double(convention.offset)
        self.offset = offset
        let n = boxes.count
        let geometry = (0..<n).map { Self.centre(boxes[$0], offset) }
        let sides = geometry.map { 2 * Swift.max($0.hw, $0.hh) }
        let largest = sides.max() ?? 0
        let base = Swift.max(sides.filter { $0 > 0 }.min() ?? 1, largest / pow(4, Double(Self.maxLevels - 1)), 1e-30)
        // A box belongs to the first level whose bound `base · 4^k` its longer side does not exceed (compared, not
        // computed with a logarithm: the index is built on the hot path).
        let bounds = (0..<Self.maxLevels).map { base * pow(4, Double($0)) }
        // Queries are boxes of the group too: cells smaller than a typical box would make a typical query walk
        // many cells of the small-box levels, so no level's cells are smaller than the median box.
        let sample = stride(from: 0, to: n, by: Swift.max(n / 255, 1)).map { sides[$0] }.sorted()
        let median = sample.isEmpty ? 0 : sample[sample.count / 2]
        var members = [[Int]](repeating: [], count: Self.maxLevels)
        for i in 0..<n { members[Self.level(of: sides[i], bounds: bounds)].append(i) }
        var cells = 0
        for group in members {
            var level = Level()
            level.firstCell = cells
            guard !group.isEmpty else {  // one cell, never stored in nor queried
                cells += 1
                levels.append(level)
                continue
            }
            level.occupied = true
            var minX = Double.infinity, minY = Double.infinity, maxX = -Double.infinity, maxY = -Double.infinity
            for i in group {
                let g = geometry[i]
                minX = Swift.min(minX, g.cx)
                maxX = Swift.max(maxX, g.cx)
                minY = Swift.min(minY, g.cy)
                maxY = Swift.max(maxY, g.cy)
                level.halfWidth = Swift.max(level.halfWidth, g.hw)
                level.halfHeight = Swift.max(level.halfHeight, g.hh)
            }
            let spanX = maxX - minX, spanY = maxY - minY
            var cell = Swift.max(2 * Swift.max(level.halfWidth, level.halfHeight), median, 1e-30)
            let budget = Double(2 * group.count + 16)
            while ((spanX / cell).rounded(.down) + 1) * ((spanY / cell).rounded(.down) + 1) > budget { cell *= 1.5 }
            level.originX = minX
            level.originY = minY
            level.inverseCell = 1 / cell
            level.columns = Int((spanX / cell).rounded(.down)) + 1
            level.rows = Int((spanY / cell).rounded(.down)) + 1
            cells += level.columns * level.rows
            levels.append(level)
        }
        cellCount = cells
        var cellOf = [Int32](repeating: 0, count: n)
        for (k, group) in members.enumerated() {
            let level = levels[k]
            for i in group {
                let (c, r) = level.clampedCell(geometry[i].cx, geometry[i].cy)
                cellOf[i] = Int32(level.firstCell + r * level.columns + c)
            }
        }
        self.cells = cellOf
    }

    /// Centre and half-extents of a box with the offset, in `Double`.
    static func centre(_ b: Box, _ offset: Double) -> (cx: Double, cy: Double, hw: Double, hh: Double) {
        let hw = (Double(b.x2) - Double(b.x1) + offset) / 2, hh = (Double(b.y2) - Double(b.y1) + offset) / 2
        return (Double(b.x1) + hw, Double(b.y1) + hh, hw, hh)
    }

    /// The level of a box whose longer side is `side`: the first whose bound it does not exceed, else the last.
    @inline(__always)
    private static func level(of side: Double, bounds: [Double]) -> Int {
        var k = 0
        while k < maxLevels - 1, side > bounds[k] { k += 1 }
        return k
    }

    /// Calls `body` with every cell that may hold a box overlapping `b`, until it answers `false`.
    @inline(__always)
    func forEachCell(near b: Box, _ body: (Int) -> Bool) {
        let g = Self.centre(b, offset)
        for level in levels where level.occupied {
            // Grown by the level's half-extents, plus a margin for rounding in the centre arithmetic.
            let gx: Double = g.hw + level.halfWidth
            let gy: Double = g.hh + level.halfHeight
            let mx: Double = 1e-9 * (Swift.abs(g.cx) + gx) + 1e-30
            let my: Double = 1e-9 * (Swift.abs(g.cy) + gy) + 1e-30
            let (c0, r0) = level.clampedCell(g.cx - gx - mx, g.cy - gy - my)
            let (c1, r1) = level.clampedCell(g.cx + gx + mx, g.cy + gy + my)
            for r in r0...r1 {
                for c in c0...c1 where !body(level.firstCell + r * level.columns + c) { return }
            }
        }
    }
}
