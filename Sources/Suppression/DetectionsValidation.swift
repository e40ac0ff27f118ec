import Boxes

extension Detections {
    /// Throws ``SuppressionError/invalidDetection(index:reason:)`` for the first unusable record.
    public func validate() throws {
        for i in 0..<count {
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
