import Boxes

extension Detections {
    /// `self`, or a ``DecodingError`` naming `source` and the first detection whose box or score is NaN or
    /// infinite: finite outputs can overflow `Float` once decoded (a huge width scaled to the image, an anchor
    /// wider than a `Float` holds), and no detection may carry such a value on.
    func requiringFinite(source: String) throws -> Detections {
        for i in 0..<count where !(boxes[i].isFinite && scores[i].isFinite) {
            throw DecodingError(
                source: source,
                message: "detection \(i) decodes to box \(boxes[i]) with score \(scores[i]): not finite, the output's values overflow Float")
        }
        return self
    }
}
