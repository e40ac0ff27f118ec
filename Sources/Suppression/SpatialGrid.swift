import Boxes

/// A uniform grid over a group's boxes that finds, for a query box, the stored boxes that may intersect it.
///
/// Every suppression criterion of DetectKit needs a positive intersection (IoU > t ≥ 0, and DIoU/CIoU lie
/// below IoU), so a method only has to look at the boxes that share a grid cell with the query instead of at
/// all of them. That turns greedy NMS on boxes spread over an image from O(n·kept) into roughly O(n).
///
/// Boxes are inserted one at a time (the kept boxes of greedy NMS, the clusters of WBF) and stored by id in
/// per-cell linked lists (flat arrays, no allocation per cell), laid out by ``GridGeometry``. Methods whose box
/// set is fixed up front use the faster ``CellIndex``.
struct SpatialGrid {
    /// What a visitor wants done after seeing an id (also used by ``CellIndex``).
    enum Visit {
        /// Go on.
        case next
        /// Unlink this id from the list just walked (it will never be wanted again), then go on.
        case remove
        /// Stop the walk.
        case stop
    }

    private let geometry: GridGeometry
    private var head: [Int32]  // one list per cell, then the list of oversized boxes
    private var next: [Int32] = []
    private var item: [Int32] = []

    /// A grid covering `boxes` (all ids that will be inserted must come from them).
    init(covering boxes: BoxArray, convention: BoxConvention) {
        geometry = GridGeometry(covering: boxes, convention: convention)
        head = [Int32](repeating: -1, count: geometry.cellCount + 1)
        next.reserveCapacity(boxes.count)
        item.reserveCapacity(boxes.count)
    }

    /// Stores box `id`, whose coordinates are `b`.
    mutating func insert(_ id: Int, _ b: Box) {
        let cells = geometry.cells(b)
        if geometry.isOversized(cells) {
            link(Int32(id), into: geometry.cellCount)
            return
        }
        for r in cells.r0...cells.r1 {
            for c in cells.c0...cells.c1 { link(Int32(id), into: r * geometry.columns + c) }
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
        let (c0, c1, r0, r1) = geometry.cells(b)
        if !walk(geometry.cellCount, visit) { return }
        for r in r0...r1 {
            for c in c0...c1 where !walk(r * geometry.columns + c, visit) { return }
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
