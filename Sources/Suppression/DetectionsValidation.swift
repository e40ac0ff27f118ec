import Boxes

extension Detections {
    /// Throws ``SuppressionError/invalidDetection(index:reason:)`` for the first unusable record: a NaN or infinite
    /// value, a negative size (of the box, or of the oriented box first), a standard deviation that is not positive.
    public func validate() throws {
        for i in 0..<count {
            if let r = rotated?[i] {
                guard r.cx.isFinite && r.cy.isFinite && r.width.isFinite && r.height.isFinite && r.angle.isFinite else {
                    throw SuppressionError.invalidDetection(index: i, reason: "rbox \(r) has a NaN or infinite value")
                }
                guard r.width >= 0 && r.height >= 0 else {
                    throw SuppressionError.invalidDetection(index: i, reason: "rbox \(r) has a negative width or height")
                }
            }
            let b = boxes[i]
            guard b.isFinite else {
                throw SuppressionError.invalidDetection(index: i, reason: "box \(b) has a NaN or infinite coordinate")
            }
            guard scores[i].isFinite else {
                throw SuppressionError.invalidDetection(index: i, reason: "score \(scores[i]) is not finite")
            }
            guard b.x2 >= b.x1 && b.y2 >= b.y1 else {
                throw SuppressionError.invalidDetection(index: i, reason: "box \(b) has a negative width or height")
            }
            if let d = deviations?[i] {
                guard d.x.isFinite && d.y.isFinite && d.z.isFinite && d.w.isFinite, d.min() > 0 else {
                    throw SuppressionError.invalidDetection(
                        index: i, reason: "bbox_std \([d.x, d.y, d.z, d.w]) must be positive and finite")
                }
            }
        }
    }
}
