extension Image {
    /// The image with `count` channels (1 gray, 2 gray + alpha, 3 RGB, 4 RGBA). Gray is
    /// `(19595 R + 38470 G + 7471 B + 0x8000) >> 16`, Pillow's `convert("L")`; a new alpha channel is opaque; a
    /// dropped one is discarded.
    public func converted(toChannels count: Int) throws -> Image {
        guard (1...4).contains(count) else { throw ImagingError.invalidImage("\(count) channels (expected 1–4)") }
        if count == channels { return self }
        let from = channels
        return Image(width: width, height: height, channels: count) { out in
            pixels.withUnsafeBufferPointer { src in
                for i in 0..<(width * height) {
                    let p = i * from
                    let hasColor = from >= 3
                    let (r, g, b) = hasColor ? (src[p], src[p + 1], src[p + 2]) : (src[p], src[p], src[p])
                    let alpha: UInt8 = from == 2 || from == 4 ? src[p + from - 1] : 255
                    let o = i * count
                    if count <= 2 {
                        out[o] = hasColor ? Self.luma(r, g, b) : r
                    } else {
                        (out[o], out[o + 1], out[o + 2]) = (r, g, b)
                    }
                    if count == 2 || count == 4 { out[o + count - 1] = alpha }
                }
            }
        }
    }

    /// Pillow's ITU-R 601 luma in 16-bit fixed point.
    static func luma(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> UInt8 {
        let sum: Int = 19595 * Int(r) + 38470 * Int(g) + 7471 * Int(b) + 0x8000
        return UInt8(sum >> 16)
    }
}
