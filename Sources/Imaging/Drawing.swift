import Boxes

/// One detection to draw: its box (pixels of the image) and its label, coloured by its class.
public struct Annotation: Sendable, Equatable {
    /// The box, xyxy (for an oriented detection, the enclosing box of ``rotated``).
    public var box: Box
    /// Text above the box, e.g. `person 0.93`; empty for none.
    public var label: String
    /// The class, which picks the colour.
    public var colorIndex: Int
    /// The oriented box, drawn as its rectangle instead of ``box`` when given.
    public var rotated: RotatedBox?

    /// An annotation.
    public init(box: Box, label: String, colorIndex: Int) {
        self.box = box
        self.label = label
        self.colorIndex = colorIndex
    }

    /// An oriented annotation: the rectangle of `rotated`, its label above its topmost corner.
    public init(rotated: RotatedBox, label: String, colorIndex: Int) {
        self.init(box: rotated.enclosingBox, label: label, colorIndex: colorIndex)
        self.rotated = rotated
    }
}

/// How annotations look. Sizes left `nil` scale with the image, so boxes and labels read the same on a
/// thumbnail and on a 4K photo.
public struct DrawingStyle: Sendable, Equatable {
    /// Box outline width in pixels (default: `max(2, round(shorter side / 320))`).
    public var lineWidth: Int?
    /// Label text height in pixels (default: `max(12, round(shorter side / 40))`).
    public var textHeight: Int?
    /// Colours by class.
    public var palette: Palette

    /// A style; the defaults scale with the image.
    public init(lineWidth: Int? = nil, textHeight: Int? = nil, palette: Palette = .detection) {
        self.lineWidth = lineWidth
        self.textHeight = textHeight
        self.palette = palette
    }
}

extension Image {
    /// Draws boxes and labels: each box outlined in its class colour; its label in black or white (whichever
    /// contrasts more with the colour) on a filled band of that colour, above the box where there is room and
    /// inside its top otherwise, always kept inside the image; boxes entirely outside the image are skipped. Gray
    /// images are drawn on in colour (converted to RGB, or RGBA with alpha); drawn pixels are opaque. An oriented
    /// box is drawn as its rectangle (every pixel whose centre lies within half the line width of an edge), its
    /// label above its topmost corner.
    ///
    /// Any finite box may be given, however far it reaches outside the image: its coordinates are clamped just
    /// outside the image before they become pixels, which changes nothing that shows. A line width or text
    /// height over four times the image's longer side (at least 64) is clamped to that, and only the part of a
    /// label that can show inside the image is rendered.
    public func drawing(_ annotations: [Annotation], style: DrawingStyle = .init()) -> Image {
        guard !annotations.isEmpty else { return self }
        // Converting 1 → 3 or 2 → 4 channels cannot fail.
        var canvas = (try? converted(toChannels: channels <= 2 ? channels + 2 : channels)) ?? self
        let shorter = Swift.min(width, height), largest = 4 * Swift.max(width, height, 16)
        let line = Swift.min(largest, Swift.max(1, style.lineWidth ?? Swift.max(2, Int((Double(shorter) / 320).rounded()))))
        let textHeight = Swift.min(largest, Swift.max(6, style.textHeight ?? Swift.max(12, Int((Double(shorter) / 40).rounded()))))
        let font = BuiltinFont()
        // Boxes entirely outside the image draw nothing (their label would otherwise be pulled into view).
        for a in annotations where a.box.isFinite && a.box.x2 > 0 && a.box.y2 > 0
            && a.box.x1 < Float(width) && a.box.y1 < Float(height)
        {
            let color = style.palette.color(for: a.colorIndex)
            // An edge `line` or more pixels outside the image draws nothing, wherever it lies beyond.
            var x1 = Self.pixel(a.box.x1, -line, width + line), y1 = Self.pixel(a.box.y1, -line, height + line)
            if let r = a.rotated, r.isValid {
                let corners = r.corners.map { SIMD2(Double($0.x), Double($0.y)) }
                for k in 0..<4 { canvas.stroke(corners[k], corners[(k + 1) % 4], width: Double(line), color) }
                let top = corners.min { $0.y < $1.y } ?? corners[0]
                (x1, y1) = (Self.pixel(Float(top.x), -line, width + line), Self.pixel(Float(top.y), -line, height + line))
            } else {
                let x2 = Self.pixel(a.box.x2, -line, width + line) - 1, y2 = Self.pixel(a.box.y2, -line, height + line) - 1
                canvas.fill(x1, y1, x2, y1 + line - 1, color)  // top
                canvas.fill(x1, y2 - line + 1, x2, y2, color)  // bottom
                canvas.fill(x1, y1, x1 + line - 1, y2, color)  // left
                canvas.fill(x2 - line + 1, y1, x2, y2, color)  // right
            }
            guard !a.label.isEmpty else { continue }
            let mask = font.render(font.visiblePrefix(a.label, height: textHeight, width: width), height: textHeight)
            let padding = Swift.max(1, textHeight / 6)
            let bandW = mask.width + 2 * padding, bandH = mask.height
            var bx = Swift.max(0, Swift.min(x1, width - bandW))
            var by = y1 - bandH >= 0 ? y1 - bandH : y1  // above the box, or inside its top
            by = Swift.max(0, Swift.min(by, height - bandH))
            if bandW > width { bx = 0 }
            canvas.fill(bx, by, bx + bandW - 1, by + bandH - 1, color)
            let ink: [UInt8] = Self.luma(color[0], color[1], color[2]) > 150 ? [0, 0, 0] : [255, 255, 255]
            canvas.blend(mask, atX: bx + padding, y: by, ink)
        }
        return canvas
    }

    /// A coordinate rounded to the nearest pixel (halves away from zero) and clamped to `lower...upper`.
    static func pixel(_ v: Float, _ lower: Int, _ upper: Int) -> Int {
        Int(Swift.min(Swift.max(Double(v).rounded(), Double(lower)), Double(upper)))
    }

    /// Fills the rectangle `[x1, x2] × [y1, y2]` (inclusive, clipped to the image) with an RGB colour, opaque.
    mutating func fill(_ x1: Int, _ y1: Int, _ x2: Int, _ y2: Int, _ color: [UInt8]) {
        let ax = Swift.max(x1, 0), bx = Swift.min(x2, width - 1), ay = Swift.max(y1, 0), by = Swift.min(y2, height - 1)
        guard ax <= bx, ay <= by else { return }
        let c = channels
        pixels.withUnsafeMutableBufferPointer { p in
            for y in ay...by {
                for x in ax...bx {
                    let o = (y * width + x) * c
                    p[o] = color[0]
                    p[o + 1] = color[1]
                    p[o + 2] = color[2]
                    if c == 4 { p[o + 3] = 255 }
                }
            }
        }
    }

    /// Paints, opaque, every pixel of the image whose centre lies within `width / 2` of the segment `p`–`q`.
    mutating func stroke(_ p: SIMD2<Double>, _ q: SIMD2<Double>, width lineWidth: Double, _ color: [UInt8]) {
        let half = lineWidth / 2, d = q - p, length2 = (d * d).sum()
        let lo = pointwiseMin(p, q) - half, hi = pointwiseMax(p, q) + half
        // The pixels the segment's band can reach, clipped to the image (pixel x covers [x, x + 1)).
        let x0 = Int(Swift.max(0, Swift.min(Double(width), (lo.x - 0.5).rounded(.up)))), x1 = Int(Swift.max(-1, Swift.min(Double(width - 1), (hi.x - 0.5).rounded(.down))))
        let y0 = Int(Swift.max(0, Swift.min(Double(height), (lo.y - 0.5).rounded(.up)))), y1 = Int(Swift.max(-1, Swift.min(Double(height - 1), (hi.y - 0.5).rounded(.down))))
        guard x0 <= x1, y0 <= y1 else { return }
        for y in y0...y1 {
            for x in x0...x1 {
                let c = SIMD2(Double(x) + 0.5, Double(y) + 0.5) - p
                let t = length2 > 0 ? Swift.min(1, Swift.max(0, (c * d).sum() / length2)) : 0
                let e = c - d * t
                if (e * e).sum() <= half * half { fill(x, y, x, y, color) }
            }
        }
    }

    /// Blends an RGB colour through a coverage mask placed at `(x, y)`, clipped to the image.
    mutating func blend(_ mask: BuiltinFont.Mask, atX x0: Int, y y0: Int, _ color: [UInt8]) {
        let c = channels
        pixels.withUnsafeMutableBufferPointer { p in
            for my in 0..<mask.height {
                let y = y0 + my
                guard y >= 0 && y < height else { continue }
                for mx in 0..<mask.width {
                    let x = x0 + mx
                    guard x >= 0 && x < width else { continue }
                    let a = Int(mask.alpha[my * mask.width + mx])
                    guard a > 0 else { continue }
                    let o = (y * width + x) * c
                    for k in 0..<3 { p[o + k] = UInt8((Int(color[k]) * a + Int(p[o + k]) * (255 - a) + 127) / 255) }
                    if c == 4 { p[o + 3] = 255 }
                }
            }
        }
    }
}
