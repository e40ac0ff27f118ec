import Boxes

/// The overlaps of a group's candidates as oriented boxes: what every built-in method runs on when the group is
/// oriented (``SuppressionGroup/rotated``), or when its measure has no axis-aligned fast path (ProbIoU, whose
/// value is not 0 between boxes that do not touch; axis-aligned boxes are then taken at angle 0).
///
/// Values are computed in `Double` (`OverlapMeasure.value(_:_:)`, in Boxes; the candidates prepared once,
/// `PreparedRotatedBoxes`) and rounded to `Float`, an undefined one (NaN: ProbIoU of sides that overflow) counting
/// as 0; the method then proceeds exactly as on axis-aligned boxes. With a ``RotatedPairFilter`` (the fast paths)
/// pairs it rules out count as 0 instead of their value, which is at most the filter's floor: a method chooses a
/// floor at which that changes none of its decisions. Without one (the references) every pair is computed.
struct OrientedOverlaps {
    /// The candidates as oriented boxes, in group order.
    let boxes: [RotatedBox]
    /// How overlaps are measured.
    var measure: OverlapMeasure { prepared.measure }
    private let prepared: PreparedRotatedBoxes
    private let filter: RotatedPairFilter?

    /// The group's overlaps under `measure`; nil when the group is axis-aligned and `measure` is one of
    /// `axisAligned`, the measures the method's axis-aligned fast path handles. `floor`: nil computes every pair;
    /// else pairs at or below it may be ruled out. Throws when `measure` is nil (the method has no oriented form)
    /// and the group is oriented.
    init?(
        _ group: SuppressionGroup, measure: OverlapMeasure?, method: String, axisAligned: Set<OverlapMeasure> = [.iou],
        floor: Double? = nil
    ) throws {
        guard let measure else {
            guard group.rotated == nil else { throw SuppressionError.notOriented(method) }
            return nil
        }
        guard group.rotated != nil || !axisAligned.contains(measure) else { return nil }
        self.init(group.rotated ?? group.boxes.map(RotatedBox.init), measure: measure, floor: floor)
    }

    /// The overlaps of `boxes` under `measure`; `floor` as above.
    init(_ boxes: [RotatedBox], measure: OverlapMeasure, floor: Double?) {
        self.boxes = boxes
        prepared = PreparedRotatedBoxes(boxes, measure: measure)
        filter = floor.flatMap { RotatedPairFilter(boxes, measure: measure, floor: $0) }
    }

    /// The overlap of candidates `a` and `b` (0 when the filter rules the pair out).
    @inline(__always) func callAsFunction(_ a: Int, _ b: Int) -> Float {
        if let filter, !filter.mayExceed(a, b) { return 0 }
        return Self.rounded(prepared.overlap(a, b))
    }

    /// The overlap of box `a` (a fused box, not a candidate) and candidate `b`.
    func callAsFunction(_ a: RotatedBox, _ b: Int) -> Float {
        if let filter, !filter.mayExceed(RotatedPairFilter.Reach(a), filter.reach[b]) { return 0 }
        return self(a, boxes[b])
    }

    /// Visits the candidates in `order`, telling `remember` for each whether a candidate remembered before it overlaps
    /// it above `threshold`; `remember` answers whether to remember this one (greedy NMS remembers the kept boxes,
    /// Fast NMS all). With a filter, a grid of the filter's neighbourhoods finds the remembered candidates that
    /// may overlap (`SpatialGrid`), a candidate without one is compared with all; without a filter, all are.
    func sweep(_ order: [Int], threshold: Float, remember: (_ candidate: Int, _ overlapped: Bool) -> Bool) {
        let hoods = boxes.indices.map { filter?.neighbourhood($0) }
        var grid = SpatialGrid(covering: BoxArray(hoods.compactMap { $0 }), convention: .continuous)
        var remembered: [Int] = [], everywhere: [Int] = []
        for i in order {
            let above = { (j: Int) in self(j, i) > threshold }
            var overlapped = false
            if let hood = hoods[i] {
                grid.visit(near: hood) { j in
                    overlapped = above(j)
                    return !overlapped
                }
                overlapped = overlapped || everywhere.contains(where: above)
            } else {
                overlapped = remembered.contains(where: above)
            }
            guard remember(i, overlapped) else { continue }
            remembered.append(i)
            if let hood = hoods[i] { grid.insert(i, hood) } else { everywhere.append(i) }
        }
    }

    /// For each candidate, every other one whose overlap with it is not 0 (pairs the filter rules out count as 0),
    /// by position, with that overlap.
    func neighbours() -> [[(position: Int, overlap: Float)]] {
        var lists = [[(position: Int, overlap: Float)]](repeating: [], count: boxes.count)
        for i in boxes.indices {
            for j in (i + 1)..<boxes.count {
                let v = self(i, j)
                if v != 0 {
                    lists[i].append((j, v))
                    lists[j].append((i, v))
                }
            }
        }
        return lists
    }

    /// The overlap of two boxes that need not be candidates.
    func callAsFunction(_ a: RotatedBox, _ b: RotatedBox) -> Float { Self.rounded(measure.value(a, b)) }

    /// An overlap rounded to `Float`, NaN counting as 0.
    private static func rounded(_ v: Double) -> Float { v.isNaN ? 0 : Float(v) }
}
