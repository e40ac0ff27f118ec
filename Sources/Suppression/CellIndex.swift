import Boxes

/// A static spatial index over all boxes of a group, for methods whose box set is known up front (the soft
/// family, weighted NMS, matrix NMS): it reports every remaining box that overlaps a query box, once, with their
/// IoU.
///
/// Boxes are laid out by ``GridLevels``, each in one cell; each cell stores its boxes contiguously as coordinate
/// columns, and a query runs the vectorised IoU kernel over whole cells, which hands back only the entries with
/// IoU > 0 (``Boxes/OverlapKernels/positiveIoUs(of:with:convention:ious:indices:)``, bit-identical to the scalar
/// IoU). A method removes
/// boxes it no longer wants (O(1), through a slot map).
final class CellIndex {
    private let layout: GridLevels
    private let convention: BoxConvention
    /// `start[c]..<start[c] + live[c]` are the entries of cell `c`.
    private let start: [Int32]
    private let live: UnsafeMutablePointer<Int32>
    /// Entry columns and ids, cell after cell, and room for one cell's IoUs; raw storage, as the scans are the
    /// hot path.
    private let x1: UnsafeMutablePointer<Float>, y1: UnsafeMutablePointer<Float>
    private let x2: UnsafeMutablePointer<Float>, y2: UnsafeMutablePointer<Float>
    private let ids: UnsafeMutablePointer<Int32>
    private let scratch: UnsafeMutablePointer<Float>
    private let scratchIndex: UnsafeMutablePointer<Int32>
    /// Per id: its cell, and its entry slot (-1 once removed).
    private let cellOf: [Int32]
    private let slot: UnsafeMutablePointer<Int32>

    /// An index of every box of `all`, by position.
    init(_ all: BoxArray, convention: BoxConvention) {
        self.convention = convention
        let layout = GridLevels(covering: all, convention: convention)
        let n = all.count
        let cellOf = layout.cells
        self.layout = layout
        self.cellOf = cellOf
        var count = [Int32](repeating: 0, count: layout.cellCount)
        for c in cellOf { count[Int(c)] += 1 }
        var start = [Int32](repeating: 0, count: layout.cellCount)
        var total: Int32 = 0
        for c in 0..<layout.cellCount {
            start[c] = total
            total += count[c]
        }
        self.start = start
        live = .allocate(capacity: layout.cellCount)
        live.initialize(repeating: 0, count: layout.cellCount)
        x1 = .allocate(capacity: n)
        y1 = .allocate(capacity: n)
        x2 = .allocate(capacity: n)
        y2 = .allocate(capacity: n)
        ids = .allocate(capacity: n)
        slot = .allocate(capacity: n)
        for i in 0..<n {
            let c = Int(cellOf[i])
            let k = Int(start[c] + live[c])
            (x1[k], y1[k], x2[k], y2[k], ids[k]) = (all.x1[i], all.y1[i], all.x2[i], all.y2[i], Int32(i))
            slot[i] = Int32(k)
            live[c] += 1
        }
        scratch = .allocate(capacity: Int(count.max() ?? 0) + 16)
        scratchIndex = .allocate(capacity: Int(count.max() ?? 0) + 16)
    }

    deinit {
        for p in [x1, y1, x2, y2, scratch] { p.deallocate() }
        ids.deallocate()
        scratchIndex.deallocate()
        live.deallocate()
        slot.deallocate()
    }

    /// Calls `visit` once with the id of every remaining box that overlaps `b` (`IoU(b, box) > 0`), and that IoU,
    /// until it answers `false`.
    func visit(overlapping b: Box, _ visit: (Int, Float) -> Bool) {
        layout.forEachCell(near: b) { scan($0, b, visit) }
    }
    /// Calls `visit` once with the id of every remaining box whose `kind` overlap with `b` is at least `minimum`
    /// (> 0), and that overlap, running the vectorised kernel over whole cells. Exact for any measure whose value
    /// is positive only where the boxes intersect (IoU, IoS): unlike ``visit(overlapping:_:)``, it also finds
    /// boxes whose IoU rounds to 0 or is NaN while their IoS is large.
    func visit(_ kind: OverlapKind, of b: Box, atLeast minimum: Float, _ visit: (Int, Float) -> Void) {
        layout.forEachCell(near: b) { cell in
            let first = Int(start[cell]), count = Int(live[cell])
            guard count > 0 else { return true }
            func column(_ p: UnsafeMutablePointer<Float>) -> UnsafeBufferPointer<Float> {
                UnsafeBufferPointer(start: p + first, count: count)
            }
            OverlapKernels.overlaps(
                kind, of: b, with: BoxColumns(x1: column(x1), y1: column(y1), x2: column(x2), y2: column(y2)),
                convention: convention, into: scratch)
            for k in 0..<count where scratch[k] >= minimum { visit(Int(ids[first + k]), scratch[k]) }
            return true
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
        let found = OverlapKernels.positiveIoUs(
            of: b, with: BoxColumns(x1: column(x1), y1: column(y1), x2: column(x2), y2: column(y2)),
            convention: convention, ious: scratch, indices: scratchIndex)
        for k in 0..<found where !visit(Int(ids[first + Int(scratchIndex[k])]), scratch[k]) { return false }
        return true
    }
}
