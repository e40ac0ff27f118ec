/// The EXIF orientation of a photo (tag 0x0112): how the stored pixels must be turned to stand upright.
public enum EXIFOrientation: Int, Sendable, CaseIterable {
    /// 1: as stored.
    case up = 1
    /// 2: mirrored left–right.
    case upMirrored = 2
    /// 3: rotated 180°.
    case down = 3
    /// 4: mirrored top–bottom.
    case downMirrored = 4
    /// 5: mirrored along the main diagonal (transpose).
    case leftMirrored = 5
    /// 6: stored rotated 90° counter-clockwise; turn 90° clockwise.
    case right = 6
    /// 7: mirrored along the anti-diagonal (transverse).
    case rightMirrored = 7
    /// 8: stored rotated 90° clockwise; turn 90° counter-clockwise.
    case left = 8

    /// Whether width and height trade places (orientations 5–8).
    public var swapsAxes: Bool { rawValue >= 5 }

    /// The orientation in a JPEG's first EXIF (APP1) segment, or nil when there is none or it is unreadable.
    /// Reads only the markers before the scan data, with every offset bounds-checked.
    public init?<C: RandomAccessCollection>(jpeg bytes: C) where C.Element == UInt8, C.Index == Int {
        let end = bytes.endIndex
        var i = bytes.startIndex + 2  // after SOI
        while i + 4 <= end {
            guard bytes[i] == 0xFF else { return nil }
            let marker = bytes[i + 1]
            if marker == 0xFF {  // fill byte
                i += 1
                continue
            }
            if marker == 0xDA || marker == 0xD9 { return nil }  // start of scan / end of image: no EXIF
            let length = Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
            guard length >= 2, i + 2 + length <= end else { return nil }
            if marker == 0xE1, let value = Self.orientation(inExif: Array(bytes[(i + 4)..<(i + 2 + length)])) {
                self.init(rawValue: value)
                return
            }
            i += 2 + length
        }
        return nil
    }

    /// The orientation value in an APP1 payload `Exif\0\0` + TIFF, if present and 1–8.
    private static func orientation(inExif p: [UInt8]) -> Int? {
        guard p.count >= 14, Array(p[0..<6]) == [0x45, 0x78, 0x69, 0x66, 0, 0] else { return nil }
        let tiff = Array(p[6...])
        let little: Bool
        switch (tiff[0], tiff[1]) {
        case (0x49, 0x49): little = true
        case (0x4D, 0x4D): little = false
        default: return nil
        }
        func u16(_ at: Int) -> Int? {
            guard at >= 0, at + 2 <= tiff.count else { return nil }
            return little ? Int(tiff[at]) | Int(tiff[at + 1]) << 8 : Int(tiff[at]) << 8 | Int(tiff[at + 1])
        }
        func u32(_ at: Int) -> Int? {
            guard let a = u16(at), let b = u16(at + 2) else { return nil }
            return little ? a | b << 16 : a << 16 | b
        }
        guard u16(2) == 42, let ifd = u32(4), let count = u16(ifd) else { return nil }
        for k in 0..<count {
            let entry = ifd + 2 + 12 * k
            guard let tag = u16(entry), let type = u16(entry + 2) else { return nil }
            if tag == 0x0112 && type == 3, let value = u16(entry + 8), (1...8).contains(value) { return value }
        }
        return nil
    }
}

extension Image {
    /// The image turned upright from the given stored orientation (the transforms of `ImageOps.exif_transpose`).
    public func oriented(_ orientation: EXIFOrientation) -> Image {
        guard orientation != .up else { return self }
        let (w, h, c) = (width, height, channels)
        let (outW, outH) = orientation.swapsAxes ? (h, w) : (w, h)
        return Image(width: outW, height: outH, channels: c) { out in
            pixels.withUnsafeBufferPointer { src in
                for y in 0..<outH {
                    for x in 0..<outW {
                        let (sx, sy): (Int, Int)
                        switch orientation {
                        case .up: (sx, sy) = (x, y)
                        case .upMirrored: (sx, sy) = (w - 1 - x, y)
                        case .down: (sx, sy) = (w - 1 - x, h - 1 - y)
                        case .downMirrored: (sx, sy) = (x, h - 1 - y)
                        case .leftMirrored: (sx, sy) = (y, x)
                        case .right: (sx, sy) = (y, h - 1 - x)
                        case .rightMirrored: (sx, sy) = (w - 1 - y, h - 1 - x)
                        case .left: (sx, sy) = (w - 1 - y, x)
                        }
                        let from = (sy * w + sx) * c, to = (y * outW + x) * c
                        for k in 0..<c { out[to + k] = src[from + k] }
                    }
                }
            }
        }
    }
}
