import Boxes

extension Image {
    /// The pixels inside `box` (continuous coordinates: columns `⌊x1⌋..<⌈x2⌉`, rows `⌊y1⌋..<⌈y2⌉`), clipped to the
    /// image; nil when nothing of the box lies inside it (a box far outside the image, however far, included).
    public func cropped(to box: Box) -> Image? {
        guard box.isFinite else { return nil }
        // Clamped to the image in Double before becoming integers: a finite Float may exceed Int's range.
        func column(_ v: Float, _ rule: FloatingPointRoundingRule) -> Int {
            Int(Swift.min(Swift.max(Double(v).rounded(rule), 0), Double(width)))
        }
        func row(_ v: Float, _ rule: FloatingPointRoundingRule) -> Int {
            Int(Swift.min(Swift.max(Double(v).rounded(rule), 0), Double(height)))
        }
        let x0 = column(box.x1, .down), y0 = row(box.y1, .down), x1 = column(box.x2, .up), y1 = row(box.y2, .up)
        guard x1 > x0, y1 > y0 else { return nil }
        let w = x1 - x0, c = channels
        return Image(width: w, height: y1 - y0, channels: c) { out in
            for y in y0..<y1 {
                let from = (y * width + x0) * c, to = (y - y0) * w * c
                for i in 0..<(w * c) { out[to + i] = pixels[from + i] }
            }
        }
    }
}
