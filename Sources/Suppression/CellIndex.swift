import Boxes

/// A static grid index over all boxes of a group, for methods whose box set is known up front (the soft family,
/// weighted NMS, matrix NMS): it reports every remaining box that overlaps a query box, with their IoU.
///
/// Each cell stores its boxes contiguously as coordinate columns, so a query runs the vectorised IoU kernel
/// (``Boxes/OverlapKernels/ious(of:with:convention:into:)``, bit-identical to the scalar IoU) over whole cells
/// and only looks at entries with IoU > 0. Boxes a method no longer wants are removed as they are met. Built in
/// two passes (count per cell, then fill) on a ``GridGeometry``; oversized boxes form one extra segment that every
/// query scans. A box stored in several cells is reported once per shared cell.
struct CellIndex {
    private let geometry: GridGeometry
    private let convention: BoxConvention
    /// `start[c]..<start[c] + live[c]` are the entries of cell `c` (the last cell is the oversized segment).
    private var start: [Int32]
    private var live: [Int32]
    private var x1: [Float], y1: [Float], x2: [Float], y2: [Float]
    private var ids: [Int32]
    private var scratch: [Float]

    /// An index of every box of `all`, by position.
    init(_ all: BoxArray, convention: BoxConvention) {
        let geometry = GridGeometry(covering: all, convention: convention)
        self.geometry = geometry
        self.convention = convention
        let cellCount = geometry.cellCount + 1
        var count = [Int32](repeating: 0, count: cellCount)
        let covered = (0..<all.count).map { geometry.cells(all[$0]) }
        func eachCell(_ c: (c0: Int, c1: Int, r0: Int, r1: Int), _ body: (Int) -> Void) {
            if geometry.isOversized(c) {
                body(cellCount - 1)
                return
            }
            for r in c.r0...c.r1 {
                for col in c.c0...c.c1 { body(r * geometry.columns + col) }
            }
        }
        for c in covered { eachCell(c) { count[$0] += 1 } }
        var start = [Int32](repeating: 0, count: cellCount)
        var total: Int32 = 0
        for c in 0..<cellCount {
            start[c] = total
            total += count[c]
        }
        var live = [Int32](repeating: 0, count: cellCount)
        var x1 = [Float](repeating: 0, count: Int(total)), y1 = x1, x2 = x1, y2 = x1
        var ids = [Int32](repeating: 0, count: Int(total))
        for (i, c) in covered.enumerated() {
            let b = all[i]
            eachCell(c) { cell in
                let k = Int(start[cell] + live[cell])
                (x1[k], y1[k], x2[k], y2[k], ids[k]) = (b.x1, b.y1, b.x2, b.y2, Int32(i))
                live[cell] += 1
            }
        }
        (self.start, self.live, self.x1, self.y1, self.x2, self.y2, self.ids) = (start, live, x1, y1, x2, y2, ids)
        scratch = [Float](repeating: 0, count: Int(count.max() ?? 0))
    }

    /// Calls `visit` with the id of every remaining entry that shares a cell with `b` and overlaps it
    /// (`IoU(b, entry) > 0`), and that IoU. Entries answered with ``SpatialGrid/Visit/remove`` are dropped from
    /// that cell for good.
    mutating func visit(overlapping b: Box, _ visit: (Int, Float) -> SpatialGrid.Visit) {
        let (c0, c1, r0, r1) = geometry.cells(b)
        if !scan(geometry.cellCount, b, visit) { return }
        for r in r0...r1 {
            for c in c0...c1 where !scan(r * geometry.columns + c, b, visit) { return }
        }
    }

    /// Scans one cell; false when the visitor stopped.
    @inline(__always)
    private mutating func scan(_ cell: Int, _ b: Box, _ visit: (Int, Float) -> SpatialGrid.Visit) -> Bool {
        let first = Int(start[cell])
        let n = Int(live[cell])
        guard n > 0 else { return true }
        let convention = convention
        var end = first + n
        let stopped: Bool = scratch.withUnsafeMutableBufferPointer { iou in
            x1.withUnsafeMutableBufferPointer { x1 in
                y1.withUnsafeMutableBufferPointer { y1 in
                    x2.withUnsafeMutableBufferPointer { x2 in
                        y2.withUnsafeMutableBufferPointer { y2 in
                            ids.withUnsafeMutableBufferPointer { ids in
                                func column(_ p: UnsafeMutableBufferPointer<Float>) -> UnsafeBufferPointer<Float> {
                                    UnsafeBufferPointer(rebasing: p[first..<end])
                                }
                                OverlapKernels.ious(
                                    of: b, with: BoxColumns(x1: column(x1), y1: column(y1), x2: column(x2), y2: column(y2)),
                                    convention: convention, into: iou.baseAddress!)
                                // Walk from the end so that removing (moving the last live entry in) keeps
                                // every entry's IoU at its own slot.
                                var k = end - 1
                                while k >= first {
                                    let v = iou[k - first]
                                    if v > 0 {
                                        switch visit(Int(ids[k]), v) {
                                        case .next:
                                            break
                                        case .remove:
                                            end -= 1
                                            (x1[k], y1[k], x2[k], y2[k], ids[k]) = (x1[end], y1[end], x2[end], y2[end], ids[end])
                                        case .stop:
                                            return true
                                        }
                                    }
                                    k -= 1
                                }
                                return false
                            }
                        }
                    }
                }
            }
        }
        live[cell] = Int32(end - first)
        return !stopped
    }
}
