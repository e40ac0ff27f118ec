import CBoxKernels

/// Vectorised overlap kernels over ``BoxArray``s: one box against many, and all pairs.
///
/// The work is done by C loops compiled for AVX-512, AVX2 and a portable target, with the widest one the CPU
/// supports chosen at run time (``instructionSet``). Each result equals ``OverlapKind/value(_:_:convention:)``
/// bit for bit.
public enum OverlapKernels {
    /// The instruction set the kernels run on this machine: `avx512`, `avx2` or `portable`, chosen once per
    /// process.
    public static var instructionSet: String { instructionSets[Int(dk_overlap_best_level())] }

    /// The instruction sets of the kernels, narrowest first (the C kernels' levels).
    package static let instructionSets = ["portable", "avx2", "avx512"]

    /// `out[j] = kind.value(box, boxes[j])` for every `j`; `out` is resized to `boxes.count`.
    public static func overlaps(
        _ kind: OverlapKind, of box: Box, with boxes: BoxArray, convention: BoxConvention = .continuous,
        into out: inout [Float]
    ) {
        _ = overlaps(kind, of: box, with: boxes, convention: convention, level: -1, into: &out)
    }

    /// ``overlaps(_:of:with:convention:)`` run with the code compiled for `instructionSet` (one of
    /// ``instructionSets``), for tests that check every path; nil when this CPU lacks it. Only this call is
    /// affected.
    package static func overlaps(
        _ kind: OverlapKind, of box: Box, with boxes: BoxArray, convention: BoxConvention = .continuous,
        instructionSet: String
    ) -> [Float]? {
        guard let level = instructionSets.firstIndex(of: instructionSet) else { return nil }
        var out: [Float] = []
        return overlaps(kind, of: box, with: boxes, convention: convention, level: level, into: &out) ? out : nil
    }

    /// The one-against-many kernel at `level` (−1: the widest); false when this CPU lacks the level.
    private static func overlaps(
        _ kind: OverlapKind, of box: Box, with boxes: BoxArray, convention: BoxConvention, level: Int,
        into out: inout [Float]
    ) -> Bool {
        let aspects = kind == .ciou ? boxes.map { OverlapKind.aspectAngle($0, convention) } : []
        if out.count != boxes.count { out = [Float](repeating: 0, count: boxes.count) }
        let a = dk_box(
            x1: box.x1, y1: box.y1, x2: box.x2, y2: box.y2,
            aspect: kind == .ciou ? OverlapKind.aspectAngle(box, convention) : 0)
        return withBoxes(boxes, aspects: aspects) { view in
            out.withUnsafeMutableBufferPointer { o in
                dk_overlap_one_to_many_level(Int32(level), kind.cKind, a, view, convention.offset, o.baseAddress) != 0
            }
        }
    }

    /// `kind.value(box, boxes[j])` for every `j`.
    public static func overlaps(
        _ kind: OverlapKind, of box: Box, with boxes: BoxArray, convention: BoxConvention = .continuous
    ) -> [Float] {
        var out: [Float] = []
        overlaps(kind, of: box, with: boxes, convention: convention, into: &out)
        return out
    }

    /// The boxes that overlap `box` at all: writes `IoU(box, boxes[j])` for each `j` with IoU > 0 densely into
    /// `ious`, with `j` into `indices`, and returns how many. Both buffers need room for `boxes.count + 16`
    /// values (the vector path stores whole registers), which is why it is package-internal. On AVX-512 the
    /// positives are compacted with vector compress instructions.
    @inlinable
    package static func positiveIoUs(
        of box: Box, with boxes: BoxColumns, convention: BoxConvention = .continuous,
        ious: UnsafeMutablePointer<Float>, indices: UnsafeMutablePointer<Int32>
    ) -> Int {
        let a = dk_box(x1: box.x1, y1: box.y1, x2: box.x2, y2: box.y2, aspect: 0)
        let view = dk_boxes(
            x1: boxes.x1.baseAddress, y1: boxes.y1.baseAddress, x2: boxes.x2.baseAddress, y2: boxes.y2.baseAddress,
            aspect: nil, count: boxes.count)
        return dk_iou_positive(a, view, convention.offset, ious, indices)
    }

    /// `out[j] = kind.value(box, boxes[j])` for every `j` of a column view (`out` holds `boxes.count` values);
    /// any measure but CIoU, which needs the boxes' aspect angles.
    @inlinable
    package static func overlaps(
        _ kind: OverlapKind, of box: Box, with boxes: BoxColumns, convention: BoxConvention, into out: UnsafeMutablePointer<Float>
    ) {
        precondition(kind != .ciou, "CIoU needs aspect angles")  // package-internal: callers pass a fixed kind
        let a = dk_box(x1: box.x1, y1: box.y1, x2: box.x2, y2: box.y2, aspect: 0)
        let view = dk_boxes(
            x1: boxes.x1.baseAddress, y1: boxes.y1.baseAddress, x2: boxes.x2.baseAddress, y2: boxes.y2.baseAddress,
            aspect: nil, count: boxes.count)
        dk_overlap_one_to_many(kind.cKind, a, view, convention.offset, out)
    }

    /// The `a.count × b.count` matrix of `kind.value(a[i], b[j])` (torchvision's `box_iou(a, b)` layout).
    public static func pairwise(
        _ kind: OverlapKind, _ a: BoxArray, _ b: BoxArray, convention: BoxConvention = .continuous
    ) -> OverlapMatrix {
        let aspects = kind == .ciou ? b.map { OverlapKind.aspectAngle($0, convention) } : []
        var values = [Float](repeating: 0, count: a.count * b.count)
        guard !values.isEmpty else { return OverlapMatrix(rows: a.count, columns: b.count, values: values) }
        withBoxes(b, aspects: aspects) { view in
            values.withUnsafeMutableBufferPointer { o in
                for i in 0..<a.count {
                    let box = a[i]
                    let row = dk_box(
                        x1: box.x1, y1: box.y1, x2: box.x2, y2: box.y2,
                        aspect: kind == .ciou ? OverlapKind.aspectAngle(box, convention) : 0)
                    dk_overlap_one_to_many(kind.cKind, row, view, convention.offset, o.baseAddress! + i * b.count)
                }
            }
        }
        return OverlapMatrix(rows: a.count, columns: b.count, values: values)
    }

    /// Calls `body` with a C view of `boxes` (and of their CIoU aspect angles, when given).
    static func withBoxes<R>(_ boxes: BoxArray, aspects: [Float], _ body: (dk_boxes) -> R) -> R {
        boxes.x1.withUnsafeBufferPointer { x1 in
            boxes.y1.withUnsafeBufferPointer { y1 in
                boxes.x2.withUnsafeBufferPointer { x2 in
                    boxes.y2.withUnsafeBufferPointer { y2 in
                        aspects.withUnsafeBufferPointer { asp in
                            body(dk_boxes(
                                x1: x1.baseAddress, y1: y1.baseAddress, x2: x2.baseAddress, y2: y2.baseAddress,
                                aspect: asp.baseAddress, count: boxes.count))
                        }
                    }
                }
            }
        }
    }
}

extension OverlapKind {
    @usableFromInline var cKind: dk_overlap_kind {
        switch self {
        case .iou: return DK_OVERLAP_IOU
        case .giou: return DK_OVERLAP_GIOU
        case .diou: return DK_OVERLAP_DIOU
        case .ciou: return DK_OVERLAP_CIOU
        case .ios: return DK_OVERLAP_IOS
        }
    }
}

/// A dense row-major matrix of overlap values: `self[i, j]` for box `i` of the first set and `j` of the second.
public struct OverlapMatrix: Sendable, Equatable {
    /// Number of rows (boxes in the first set).
    public let rows: Int
    /// Number of columns (boxes in the second set).
    public let columns: Int
    /// `rows × columns` values, row by row.
    public let values: [Float]

    /// The overlap of box `i` of the first set with box `j` of the second.
    public subscript(i: Int, j: Int) -> Float { values[i * columns + j] }
}
