/// A group of oriented boxes prepared once for many overlaps under one measure (corners and areas for IoU and IoS,
/// Gaussians for ProbIoU), so that comparing two of them repeats no trigonometry: what the suppression methods
/// compare oriented candidates with. Values equal `OverlapMeasure.value(_:_:)` of the boxes bit for bit.
package struct PreparedRotatedBoxes: Sendable {
    /// The measure the overlaps are taken under.
    package let measure: OverlapMeasure
    private let quads: [OrientedQuad]
    private let gaussians: [GaussianBox]

    /// `boxes` prepared for `measure`.
    package init(_ boxes: [RotatedBox], measure: OverlapMeasure) {
        self.measure = measure
        quads = measure == .probIoU ? [] : OrientedQuad.prepare(boxes)
        gaussians = measure == .probIoU ? GaussianBox.prepare(boxes) : []
    }

    /// The overlap of boxes `i` and `j`.
    package func overlap(_ i: Int, _ j: Int) -> Double {
        switch measure {
        case .iou: RotatedOverlap.iou(quads[i], quads[j])
        case .ios: RotatedOverlap.ios(quads[i], quads[j])
        case .probIoU: GaussianBox.probIoU(gaussians[i], gaussians[j])
        }
    }
}
