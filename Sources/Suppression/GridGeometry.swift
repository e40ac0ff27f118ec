import Boxes

/// The cells of a uniform grid over a group's boxes: square, sized from the median box so a typical box covers
/// about four cells, at most about `2n` of them; with the pixel-inclusive convention boxes count one unit larger,
/// so touching boxes share a cell. Shared by ``SpatialGrid`` and ``CellIndex``.
struct GridGeometry {
    let originX: Double
    let originY: Double
    let inverseCell: Double
    let columns: Int
    let rows: Int
    let offset: Float
    /// A box covering more cells than this is kept in one extra list that every query scans.
    static let maxCellsPerBox = 16

    /// Number of cells.
    var cellCount: Int { columns * rows }

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
    func cells(_ b: Box) -> (c0: Int, c1: Int, r0: Int, r1: Int) {
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

    /// Whether a box goes to the oversized list instead of its cells.
    @inline(__always)
    func isOversized(_ c: (c0: Int, c1: Int, r0: Int, r1: Int)) -> Bool {
        (c.c1 - c.c0 + 1) * (c.r1 - c.r0 + 1) > Self.maxCellsPerBox
    }
}
