/// The label font compiled into DetectKit (DejaVu Sans Bold, printable ASCII; data in ``BuiltinFontData``), so
/// that labels such as `"person 0.93"` can be drawn without a font file.
///
/// Text is laid out on one line at the font's native size (whole-pixel advances, no kerning) and rasterised into
/// an 8-bit coverage mask; other sizes are resampled from that native mask (area filtering when shrinking,
/// bilinear when enlarging). Characters outside printable ASCII (32-126), control characters included, are drawn
/// as `?`. The glyph data is decoded once, on first use, and shared; a `BuiltinFont` value holds nothing itself
/// and is safe to use from any thread.
struct BuiltinFont: Sendable {
    /// A coverage mask: `alpha` holds `width * height` bytes, row-major, 0 = empty and 255 = fully inked.
    typealias Mask = (width: Int, height: Int, alpha: [UInt8])

    /// The decoded glyph bitmaps of ``BuiltinFontData/alphaBase64``, decoded on first use (Swift initialises a
    /// `static let` lazily and exactly once, even when several threads reach it at the same time).
    private static let alpha: [UInt8] = decodeBase64(BuiltinFontData.alphaBase64)

    /// Creates a handle to the built-in font; costs nothing (the glyph data is shared and decoded lazily).
    init() {}

    /// Height in pixels of one line at the native size: ``ascent`` + ``descent``.
    var lineHeight: Int { BuiltinFontData.lineHeight }

    /// Distance in pixels from the top of a line to the baseline at the native size.
    var ascent: Int { BuiltinFontData.ascent }

    /// Distance in pixels from the baseline to the bottom of a line at the native size.
    var descent: Int { BuiltinFontData.descent }

    /// Row of the baseline in a mask rendered by ``render(_:height:)`` with this `height` (rows above it hold the
    /// ascenders, rows from it on the descenders), rounded to the nearest row.
    func baseline(height: Int) -> Int {
        guard height > 0 else { return 0 }
        // round(ascent * height / lineHeight), without overflow for any height
        let whole = height / lineHeight
        let rest = height % lineHeight
        return whole * ascent + (2 * ascent * rest + lineHeight) / (2 * lineHeight)
    }

    /// Size in pixels of the mask that ``render(_:height:)`` produces for `text` at the pixel height closest to
    /// `scale` times the native ``lineHeight`` (`scale` 1 is the native size). The width covers every glyph's
    /// advance and ink. Returns `(0, 0)` for a non-finite or non-positive `scale`, and a width of 0 for empty text.
    func measure(_ text: String, scale: Float) -> (width: Int, height: Int) {
        guard scale.isFinite, scale > 0 else { return (0, 0) }
        let exact = (Float(lineHeight) * scale).rounded()
        guard exact >= 1, exact <= Float(Int32.max) else { return (0, 0) }
        return measure(text, height: Int(exact))
    }

    /// Size in pixels of the mask that ``render(_:height:)`` produces for `text` at `height` pixels per line:
    /// `(0, 0)` for a non-positive `height` (or one so large that the mask's byte count would overflow `Int`), a
    /// width of 0 for empty text.
    func measure(_ text: String, height: Int) -> (width: Int, height: Int) {
        guard let width = scaledWidth(Layout(text).width, height: height) else { return (0, 0) }
        return (width, height)
    }

    /// Rasterises `text` on one line into a coverage mask `height` pixels high (the whole line, ascent to descent:
    /// the baseline is at row ``baseline(height:)``); the width is ``measure(_:height:)``'s. At the native
    /// ``lineHeight`` the glyph bitmaps are copied as they are; at other heights the native mask is resampled,
    /// both axes by `height / lineHeight`. Overlapping glyphs combine by taking the larger coverage. Returns an
    /// empty mask of that size when the text is empty or the size is `(0, 0)`.
    func render(_ text: String, height: Int) -> Mask {
        let layout = Layout(text)
        guard let width = scaledWidth(layout.width, height: height) else { return (0, 0, []) }
        guard width > 0 else { return (0, height, []) }
        let native = rasterise(layout)
        if height == lineHeight { return (layout.width, lineHeight, native) }
        let scale = Double(height) / Double(lineHeight)
        let columns = ResampleWeights(source: layout.width, target: width, scale: scale)
        let rows = ResampleWeights(source: lineHeight, target: height, scale: scale)
        return (width, height, resample(native, sourceWidth: layout.width, columns: columns, rows: rows))
    }

    /// The shortest prefix of `text` whose rendering at `height` is wider than `width` pixels (all of `text` when
    /// it is not that wide): what of a long label can show in an image `width` pixels wide. Every glyph advances
    /// at least ``minimumAdvance`` native pixels, and a rendered column depends only on the glyphs laid out up to
    /// it, so the prefix renders exactly as the start of the whole text.
    func visiblePrefix(_ text: String, height: Int, width: Int) -> String {
        guard height > 0, width >= 0 else { return "" }
        // Glyphs needed to cover `width` at the narrowest advance, plus two for ink reaching past the pen.
        let needed = (Double(width) + 1) * Double(lineHeight) / (Double(Self.minimumAdvance) * Double(height)) + 2
        return needed >= Double(Int.max / 2) ? text : String(text.prefix(Int(needed.rounded(.up))))
    }

    /// The narrowest glyph advance at the native size.
    private static let minimumAdvance = Int(BuiltinFontData.advance.min() ?? 1)

    // MARK: - Layout and rasterisation at the native size

    /// Glyph indices and pen positions of one line of text at the native size.
    private struct Layout {
        /// Index into the ``BuiltinFontData`` arrays of each character, in order.
        var glyphs: [Int] = []
        /// Left edge in the native mask of each glyph's bitmap (pen position plus bearing, shifted so that no ink
        /// falls left of column 0).
        var left: [Int] = []
        /// Width of the native mask: from the leftmost ink (or the start pen position) to the furthest of the
        /// final pen position and the rightmost ink.
        var width = 0

        /// Lays out `text`, mapping every character outside printable ASCII to `?`.
        init(_ text: String) {
            let first = BuiltinFontData.firstCodePoint
            let fallback = Int(UInt8(ascii: "?")) - first
            var pen = 0
            var minX = 0
            var maxX = 0
            var positions: [Int] = []
            for character in text {
                var glyph = fallback
                if let ascii = character.asciiValue {
                    let index = Int(ascii) - first
                    if index >= 0, index < BuiltinFontData.glyphCount { glyph = index }
                }
                let x = pen + Int(BuiltinFontData.bearingX[glyph])
                if BuiltinFontData.width[glyph] > 0 {
                    minX = min(minX, x)
                    maxX = max(maxX, x + Int(BuiltinFontData.width[glyph]))
                }
                glyphs.append(glyph)
                positions.append(x)
                pen += Int(BuiltinFontData.advance[glyph])
                maxX = max(maxX, pen)
            }
            left = positions.map { $0 - minX }
            width = maxX - minX
        }
    }

    /// Output width for a native mask `nativeWidth` pixels wide scaled to `height` pixels per line: the native
    /// width times `height / lineHeight`, rounded up; `nil` when `height` is not positive or the output's byte
    /// count (`width * height`) overflows `Int`.
    private func scaledWidth(_ nativeWidth: Int, height: Int) -> Int? {
        guard height > 0 else { return nil }
        let (product, overflow) = nativeWidth.multipliedReportingOverflow(by: height)
        guard !overflow, product <= Int.max - lineHeight else { return nil }
        let width = (product + lineHeight - 1) / lineHeight
        guard !width.multipliedReportingOverflow(by: height).overflow else { return nil }
        return width
    }

    /// The native-size mask of `layout`: ``lineHeight`` rows, `layout.width` columns, baseline at row ``ascent``.
    /// Glyph rows outside the line are clipped; a glyph whose bitmap lies outside the decoded data is skipped.
    private func rasterise(_ layout: Layout) -> [UInt8] {
        let width = layout.width
        let rowsCount = lineHeight
        var mask = [UInt8](repeating: 0, count: width * rowsCount)
        let source = Self.alpha
        for (glyph, left) in zip(layout.glyphs, layout.left) {
            let w = Int(BuiltinFontData.width[glyph])
            let h = Int(BuiltinFontData.height[glyph])
            let offset = Int(BuiltinFontData.offset[glyph])
            guard w > 0, h > 0, offset >= 0, offset + w * h <= source.count else { continue }
            let top = ascent - Int(BuiltinFontData.bearingY[glyph])
            for row in 0..<h {
                let y = top + row
                guard y >= 0, y < rowsCount else { continue }
                let sourceRow = offset + row * w
                let targetRow = y * width + left
                for column in 0..<w where left + column >= 0 && left + column < width {
                    mask[targetRow + column] = max(mask[targetRow + column], source[sourceRow + column])
                }
            }
        }
        return mask
    }

    // MARK: - Resampling

    /// Filter taps mapping one axis of `source` pixels onto `target` pixels scaled by `scale`: output pixel `i`
    /// takes `weights[starts[i] ..< starts[i + 1]]` of the source pixels from `first[i]` on. Source pixels past
    /// either end count as empty, so the edges fade rather than stretch.
    private struct ResampleWeights {
        /// First source pixel read by each output pixel.
        var first: [Int] = []
        /// Start of each output pixel's taps in ``weights``, plus one final end index.
        var starts: [Int] = [0]
        /// The taps of all output pixels, concatenated.
        var weights: [Float] = []

        /// Area filter when shrinking (`scale < 1`: each output pixel averages the source span it covers, partial
        /// pixels weighted by overlap), bilinear interpolation at pixel centres when enlarging.
        init(source: Int, target: Int, scale: Double) {
            for i in 0..<target {
                if scale < 1 {
                    let lo = Double(i) / scale
                    let hi = Double(i + 1) / scale
                    let j0 = max(0, Int(lo.rounded(.down)))
                    let j1 = min(source, Int(hi.rounded(.up)))
                    first.append(j0)
                    if j0 < j1 {
                        for j in j0..<j1 {
                            let overlap = min(hi, Double(j + 1)) - max(lo, Double(j))
                            weights.append(Float(max(0, overlap) * scale))
                        }
                    }
                } else {
                    let centre = (Double(i) + 0.5) / scale - 0.5
                    let j0 = Int(centre.rounded(.down))
                    let t = centre - Double(j0)
                    first.append(j0 >= 0 ? j0 : j0 + 1)
                    if j0 >= 0, j0 < source { weights.append(Float(1 - t)) }
                    if j0 + 1 >= 0, j0 + 1 < source { weights.append(Float(t)) }
                }
                starts.append(weights.count)
            }
        }
    }

    /// Resamples a native mask `sourceWidth` wide along its columns, then its rows, rounding to 8 bits.
    private func resample(
        _ source: [UInt8], sourceWidth: Int, columns: ResampleWeights, rows: ResampleWeights
    ) -> [UInt8] {
        let sourceHeight = source.count / max(1, sourceWidth)
        let width = columns.first.count
        let height = rows.first.count
        var horizontal = [Float](repeating: 0, count: width * sourceHeight)
        for y in 0..<sourceHeight {
            let rowStart = y * sourceWidth
            for x in 0..<width {
                var sum: Float = 0
                var j = columns.first[x]
                for k in columns.starts[x]..<columns.starts[x + 1] {
                    sum += columns.weights[k] * Float(source[rowStart + j])
                    j += 1
                }
                horizontal[y * width + x] = sum
            }
        }
        var output = [UInt8](repeating: 0, count: width * height)
        for y in 0..<height {
            for x in 0..<width {
                var sum: Float = 0
                var j = rows.first[y]
                for k in rows.starts[y]..<rows.starts[y + 1] {
                    sum += rows.weights[k] * horizontal[j * width + x]
                    j += 1
                }
                output[y * width + x] = UInt8(min(255, max(0, sum.rounded())))
            }
        }
        return output
    }
}

/// Decodes standard base64 (`A-Z a-z 0-9 + /`), skipping every other character (line breaks, indentation, `=`
/// padding); a trailing partial group of 2 or 3 characters yields 1 or 2 bytes, a lone trailing character none.
private func decodeBase64(_ text: String) -> [UInt8] {
    var output: [UInt8] = []
    output.reserveCapacity(text.utf8.count / 4 * 3)
    var accumulator: UInt32 = 0
    var bits = 0
    for byte in text.utf8 {
        let value: UInt32
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = UInt32(byte - UInt8(ascii: "A"))
        case UInt8(ascii: "a")...UInt8(ascii: "z"): value = UInt32(byte - UInt8(ascii: "a")) + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): value = UInt32(byte - UInt8(ascii: "0")) + 52
        case UInt8(ascii: "+"): value = 62
        case UInt8(ascii: "/"): value = 63
        default: continue
        }
        accumulator = (accumulator << 6) | value
        bits += 6
        if bits >= 8 {
            bits -= 8
            output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            accumulator &= (1 << UInt32(bits)) - 1
        }
    }
    return output
}
