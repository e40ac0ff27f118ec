import Boxes

/// A uniform grid over a group's boxes that finds, for a query box, the stored boxes that may intersect it.
///
/// Every suppression criterion of DetectKit needs a positive intersection (IoU > t ≥ 0, and DIoU/CIoU lie
/// below IoU), so a method only has to look at the boxes that share a grid cell with the query instead of at
/// all of them. That turns greedy NMS on boxes spread over an image from O(n·kept) into roughly O(n).
///
/// Boxes are stored by id in per-cell linked lists (flat arrays, no allocation per cell). A box that would
/// cover more than `maxCellsPerBox` cells goes into one extra list that every query scans. Cells are square,
/// sized from the median box so a typical box covers about four cells, and there are at most about `2n`.
/// With the pixel-inclusive convention boxes are stored and queried one unit larger, so touching boxes meet.
struct SpatialGrid {
    /// What a visitor wants done after seeing an id.
    enum Visit {
        /// Go on.
        case next
        /// Unlink this id from the list just walked (it will never be wanted again), then go on.
        case remove
        /// Stop the walk.
        case stop
    }

    private let originX: Double
    private let originY: Double
    private let inverseCell: Double
    private let columns: Int
    private let rows: Int
    private let offset: Float
    private var head: [Int32]  // one list per cell, then the list of oversized boxes
    private var next: [Int32] = []
    private var item: [Int32] = []
    private static let maxCellsPerBox = 16

    /// A grid covering `boxes` (all ids that will be inserted must come from them).
    init(covering boxes: BoxArray, convention: BoxConvention) {
        offset = convention.offset
        let n = boxes.count
        var minX = Double.infinity, minY = Double.infinity, maxX = -Double.infinity, maxY = -Double.infinity
        for i in 0..<n {
            minX = Swift.min(minX, Double(boxes.x1[i]))
            minY = Swift.min(minY, Double(boxes.y1[i]))
            maxX = Swift.max(maxX, Double(boxes.x2[i]) + Double(offset))
            maxY = Swift.max(maxY, Double(boxes.y2[i]) + Double(offset))
        }
        if n == 0 { (minX, minY, maxX, maxY) = (0, 0, 1, 1) }
        let spanX = Swift.max(maxX - minX, 0), spanY = Swift.max(maxY - minY, 0)
        var cell = Self.medianSide(boxes, offset: Double(offset))
        if !(cell > 0) || !cell.isFinite { cell = Swift.max(spanX, spanY, 1) }
        let budget = Double(2 * n + 64)
        var cols = 1.0, rowsD = 1.0
        for _ in 0..<64 {
            cols = (spanX / cell).rounded(.down) + 1
            rowsD = (spanY / cell).rounded(.down) + 1
            if cols * rowsD <= budget { break }
            cell *= Swift.max((cols * rowsD / budget).squareRoot(), 1.01)
        }
        originX = minX
        originY = minY
        inverseCell = 1 / cell
        columns = Int(cols)
        rows = Int(rowsD)
        head = [Int32](repeating: -1, count: columns * rows + 1)
        next.reserveCapacity(n)
        item.reserveCapacity(n)
    }

    /// The median of `max(w, h)` over up to 255 evenly spaced boxes.
    private static func medianSide(_ boxes: BoxArray, offset: Double) -> Double {
        let n = boxes.count
        guard n > 0 else { return 1 }
        let step = Swift.max(n / 255, 1)
        var sides: [Double] = []
        var i = 0
        while i < n {
            let b = boxes[i]
            sides.append(Swift.max(Double(b.x2) - Double(b.x1), Double(b.y2) - Double(b.y1)) + offset)
            i += step
        }
        sides.sort()
        return sides[sides.count / 2]
    }

    /// The cell rectangle a box covers: column and row ranges, inclusive.
    @inline(__always)
    private func cells(_ b: Box) -> (c0: Int, c1: Int, r0: Int, r1: Int) {
        @inline(__always) func index(_ v: Double, _ origin: Double, _ count: Int) -> Int {
            let t = ((v - origin) * inverseCell).rounded(.down)
            return t <= 0 ? 0 : (t >= Double(count - 1) ? count - 1 : Int(t))
        }
        let o = Double(offset)
        return (
            index(Double(b.x1), originX, columns), index(Double(b.x2) + o, originX, columns),
            index(Double(b.y1), originY, rows), index(Double(b.y2) + o, originY, rows)
        )
    }

    /// Stores box `id`, whose coordinates are `b`.
    mutating func insert(_ id: Int, _ b: Box) {
        let (c0, c1, r0, r1) = cells(b)
        if (c1 - c0 + 1) * (r1 - r0 + 1) > Self.maxCellsPerBox {
            link(Int32(id), into: columns * rows)
            return
        }
        for r in r0...r1 {
            for c in c0...c1 { link(Int32(id), into: r * columns + c) }
        }
    }

    @inline(__always)
    private mutating func link(_ id: Int32, into cell: Int) {
        next.append(head[cell])
        item.append(id)
        head[cell] = Int32(item.count - 1)
    }

    /// Calls `visit` with every stored id that shares a cell with `b` (an id stored in several cells may come
    /// more than once), most recently inserted first within a cell.
    mutating func visit(near b: Box, _ visit: (Int) -> Visit) {
        let (c0, c1, r0, r1) = cells(b)
        if !walk(columns * rows, visit) { return }
        for r in r0...r1 {
            for c in c0...c1 where !walk(r * columns + c, visit) { return }
        }
    }

    /// Walks one list; false when the visitor stopped.
    @inline(__always)
    private mutating func walk(_ cell: Int, _ visit: (Int) -> Visit) -> Bool {
        var previous: Int32 = -1
        var node = head[cell]
        while node >= 0 {
            let following = next[Int(node)]
            switch visit(Int(item[Int(node)])) {
            case .next:
                previous = node
            case .remove:
                if previous < 0 { head[cell] = following } else { next[Int(previous)] = following }
            case .stop:
                return false
            }
            node = following
        }
        return true
    }
}
