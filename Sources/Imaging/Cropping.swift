import Boxes

extension Image {
    /// The pixels inside `box` (continuous coordinates: columns `⌊x1⌋..<⌈x2⌉`, rows `⌊y1⌋..<⌈y2⌉`), clipped to the
    /// image; nil when nothing of the box lies inside it.
    public func cropped(to box: Box) -> Image? {
        guard box.isFinite else { return nil }
        let x0 = Swift.max(0, Int(box.x1.rounded(.down))), y0 = Swift.max(0, Int(box.y1.rounded(.down)))
        let x1 = Swift.min(width, Int(box.x2.rounded(.up))), y1 = Swift.min(height, Int(box.y2.rounded(.up)))
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
