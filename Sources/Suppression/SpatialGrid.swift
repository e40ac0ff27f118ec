import Boxes

/// A grid index over a group's boxes that finds, for a query box, the stored boxes that may intersect it.
///
/// Every suppression criterion of DetectKit needs a positive intersection (IoU > t ≥ 0, and DIoU/CIoU lie
/// below IoU), so a method only has to look at the boxes that share a grid cell with the query instead of at
/// all of them. That turns greedy NMS on boxes spread over an image from O(n·kept) into roughly O(n).
///
/// Boxes are inserted one at a time (the kept boxes of greedy NMS, the clusters of WBF) and stored by id in
/// per-cell linked lists (flat arrays, no allocation per cell), in every cell they cover. Level 0's square cells
/// are as large as the group's median box, so a typical box covers about four; a box that would cover more than
/// 16 cells goes to the first level, each four times coarser than the one below, where it covers at most 16.
/// A query walks, on every level that holds boxes, the cells it covers. With the pixel-inclusive convention boxes
/// are stored and queried one unit larger, so touching boxes meet. Methods whose box set is fixed up front use
/// ``CellIndex``.
struct SpatialGrid {
    /// One level: a grid of square cells over the group's extent.
    private struct Level {
        var inverseCell: Double
        var columns: Int
        var rows: Int
        var firstCell: Int
        var occupied = false
    }

    private let originX: Double
    private let originY: Double
    private let offset: Float
    private var levels: [Level] = []
    private var head: [Int32]  // one list per cell of every level
    private var next: [Int32] = []
    private var item: [Int32] = []
    private static let maxCellsPerBox = 16

    /// A grid over the extent of `boxes`; boxes inserted later must lie inside that extent (the group's boxes,
    /// or a hull of some of them).
    init(covering boxes: BoxArray, convention: BoxConvention) {
        offset = convention.offset
        let n = boxes.count
        var minX = Double.infinity, minY = Double.infinity, maxX = -Double.infinity, maxY = -Double.infinity
        for i in 0..<n {
            minX = Swift.min(minX, Double(boxes.x1[i]))
            minY = Swift.min(minY, Double(boxes.y1[i]))
            maxX = Swift.max(maxX, Double(boxes.x2[i]) + Double(convention.offset))
            maxY = Swift.max(maxY, Double(boxes.y2[i]) + Double(convention.offset))
        }
        if n == 0 { (minX, minY, maxX, maxY) = (0, 0, 1, 1) }
        originX = minX
        originY = minY
        let spanX = maxX - minX, spanY = maxY - minY
        let o = Double(convention.offset)
        let sample = stride(from: 0, to: n, by: Swift.max(n / 255, 1)).map { i in
            Swift.max(Double(boxes.x2[i]) - Double(boxes.x1[i]), Double(boxes.y2[i]) - Double(boxes.y1[i])) + o
        }.sorted()
        var cell = sample.isEmpty ? 1 : sample[sample.count / 2]
        if !(cell > 0) || !cell.isFinite { cell = Swift.max(spanX, spanY, 1e-30) }
        let budget = Double(2 * n + 64)
        var cells = 0
        var levels: [Level] = []
        while true {
            var columns = (spanX / cell).rounded(.down) + 1, rows = (spanY / cell).rounded(.down) + 1
            while columns * rows > budget {
                cell *= 2
                columns = (spanX / cell).rounded(.down) + 1
                rows = (spanY / cell).rounded(.down) + 1
            }
            levels.append(Level(inverseCell: 1 / cell, columns: Int(columns), rows: Int(rows), firstCell: cells))
            cells += Int(columns * rows)
            if columns * rows <= 1 || levels.count == 16 { break }  // the last level holds anything in one cell
            cell *= 4
        }
        self.levels = levels
        head = [Int32](repeating: -1, count: cells)
        next.reserveCapacity(n)
        item.reserveCapacity(n)
    }

    /// The cell rectangle a box covers on a level: column and row ranges, inclusive.
    @inline(__always)
    private func cells(_ b: Box, _ level: Level) -> (c0: Int, c1: Int, r0: Int, r1: Int) {
        @inline(__always) func index(_ v: Double, _ origin: Double, _ count: Int) -> Int {
            // Clamped first, so truncation is the floor (and no libm call on baseline x86-64).
            let t = (v - origin) * level.inverseCell
            return t <= 0 ? 0 : (t >= Double(count - 1) ? count - 1 : Int(t))
        }
        let o = Double(offset)
        return (
            index(Double(b.x1), originX, level.columns), index(Double(b.x2) + o, originX, level.columns),
            index(Double(b.y1), originY, level.rows), index(Double(b.y2) + o, originY, level.rows)
        )
    }

    /// Stores box `id`, whose coordinates are `b`, on the finest level where it covers at most 16 cells.
    mutating func insert(_ id: Int, _ b: Box) {
        var k = 0
        var c = cells(b, levels[0])
        while k + 1 < levels.count && (c.c1 - c.c0 + 1) * (c.r1 - c.r0 + 1) > Self.maxCellsPerBox {
            k += 1
            c = cells(b, levels[k])
        }
        levels[k].occupied = true
        for r in c.r0...c.r1 {
            for col in c.c0...c.c1 {
                let cell = levels[k].firstCell + r * levels[k].columns + col
                next.append(head[cell])
                item.append(Int32(id))
                head[cell] = Int32(item.count - 1)
            }
        }
    }

    /// Calls `visit` with every stored id that shares a cell with `b` (an id stored in several cells may come
    /// more than once), most recently inserted first within a cell, until it answers `false`.
    func visit(near b: Box, _ visit: (Int) -> Bool) {
        for level in levels where level.occupied {
            let (c0, c1, r0, r1) = cells(b, level)
            for r in r0...r1 {
                for c in c0...c1 where !walk(level.firstCell + r * level.columns + c, visit) { return }
            }
        }
    }

    /// Walks one list; false when the visitor stopped.
    @inline(__always)
    private func walk(_ cell: Int, _ visit: (Int) -> Bool) -> Bool {
        var node = head[cell]
        while node >= 0 {
            if !visit(Int(item[Int(node)])) { return false }
            node = next[Int(node)]
        }
        return true
    }
}
