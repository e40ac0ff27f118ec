/// Pillow's resampling (`Image.resize` with `BICUBIC`, `Resample.c`), reproduced exactly for 8-bit images: the
/// image is resampled rows first into an 8-bit intermediate, then columns. For an output of `n` pixels from `N`,
/// the filter is stretched by `max(1, N / n)` (antialiasing when shrinking); output pixel `i` is centred at
/// `(i + 0.5) · N / n`; its taps are the inputs within the stretched support, weighted by the filter, normalised
/// to sum 1 and rounded to 22-bit fixed point; sums start at one half and are clamped to 0–255.
///
/// The bicubic kernel is Keys' with `a = −0.5`: `((a + 2)|x| − (a + 3))x² + 1` for `|x| < 1`,
/// `a(|x|³ − 5|x|² + 8|x| − 4)` for `|x| < 2`. This is what CLIP's image preprocessing uses (through
/// `transformers`' `CLIPImageProcessor` or open_clip), so it gives their pixels bit for bit. Channels are resampled
/// independently (Pillow premultiplies alpha first; for Pillow's exact pixels use gray or RGB images).
package enum PillowResample {
    static let precisionBits = 32 - 8 - 2

    /// Keys' cubic with a = −0.5, support 2.
    static func bicubic(_ x: Double) -> Double {
        let a = -0.5, x = abs(x)
        if x < 1 { return ((a + 2) * x - (a + 3)) * x * x + 1 }
        if x < 2 { return (((x - 5) * x + 8) * x - 4) * a }
        return 0
    }

    /// Per output pixel of `range`, the first input index, the number of taps, and `ksize` fixed-point weights
    /// (output pixel `range.lowerBound + i` at index `i`).
    struct Coefficients {
        var first: [Int32] = [], count: [Int32] = []
        var weights: [Int32] = []
        var ksize = 0

        /// Pillow's `precompute_coeffs` then `normalize_coeffs_8bpc`, for the outputs in `range` of `0..<outSize`.
        init(inSize: Int, outSize: Int, range: Range<Int>, support filterSupport: Double = 2, filter: (Double) -> Double = bicubic) {
            let scale = Double(inSize) / Double(outSize)
            let filterScale = max(1, scale)
            let support = filterSupport * filterScale
            ksize = Int(support.rounded(.up)) * 2 + 1
            weights = [Int32](repeating: 0, count: range.count * ksize)
            var taps = [Double](repeating: 0, count: ksize)
            for xx in range {
                let center = (Double(xx) + 0.5) * scale
                let ss = 1 / filterScale
                var xmin = Int(center - support + 0.5)  // truncation toward zero, as C's (int)
                if xmin < 0 { xmin = 0 }
                var xmax = Int(center + support + 0.5)
                if xmax > inSize { xmax = inSize }
                xmax -= xmin
                var sum = 0.0
                for x in 0..<max(0, xmax) {
                    let w = filter((Double(x + xmin) - center + 0.5) * ss)
                    taps[x] = w
                    sum += w
                }
                for x in 0..<ksize {
                    let w = x < xmax ? (sum != 0 ? taps[x] / sum : taps[x]) : 0
                    let scaled = w * Double(1 << PillowResample.precisionBits)
                    weights[(xx - range.lowerBound) * ksize + x] =
                        Int32(w < 0 ? (-0.5 + scaled).rounded(.towardZero) : (0.5 + scaled).rounded(.towardZero))
                }
                first.append(Int32(xmin))
                count.append(Int32(max(0, xmax)))
            }
        }
    }

    /// `clip8`: the fixed-point sum shifted down and clamped to 0–255.
    @inline(__always)
    static func clip8(_ v: Int64) -> UInt8 {
        if v >= Int64(1) << (precisionBits + 8) { return 255 }
        if v <= 0 { return 0 }
        return UInt8(v >> precisionBits)
    }

    /// The `columns × rows` part (default: all) of `image` resampled to `outW × outH`: the pixels of resampling
    /// all of it and cropping, computed for that part alone (each output pixel depends only on its own taps), so
    /// the centre crop of a very wide or tall image costs no more than its size. The ranges must lie within the
    /// output and not be empty.
    package static func resampled(
        _ image: Image, width outW: Int, height outH: Int, columns: Range<Int>? = nil, rows: Range<Int>? = nil
    ) -> Image {
        let c = image.channels
        let columns = columns ?? 0..<outW, rows = rows ?? 0..<outH
        let w = columns.count, h = rows.count
        let needHorizontal = outW != image.width, needVertical = outH != image.height
        let horizontal = Coefficients(inSize: image.width, outSize: outW, range: needHorizontal ? columns : 0..<0)
        let vertical = Coefficients(inSize: image.height, outSize: outH, range: needVertical ? rows : 0..<0)
        // Rows the vertical pass reads, as Pillow limits its intermediate image to them.
        let firstRow = needVertical ? Int(vertical.first[0]) : rows.lowerBound
        let lastRow = needVertical ? Int(vertical.first[h - 1] + vertical.count[h - 1]) : rows.upperBound
        // The intermediate: the horizontal pass's output (only the wanted columns), or the image itself.
        var middle = image.pixels, middleW = image.width, rowOffset = 0, columnOffset = columns.lowerBound
        if needHorizontal {
            let rowCount = lastRow - firstRow
            middle = [UInt8](repeating: 0, count: rowCount * w * c)
            (middleW, rowOffset, columnOffset) = (w, firstRow, 0)
            image.pixels.withUnsafeBufferPointer { src in
                middle.withUnsafeMutableBufferPointer { dst in
                    for y in 0..<rowCount {
                        let row = (y + firstRow) * image.width * c
                        for x in 0..<w {
                            let start = Int(horizontal.first[x]), n = Int(horizontal.count[x]), k = x * horizontal.ksize
                            for ch in 0..<c {
                                var sum = Int64(1) << (precisionBits - 1)
                                for t in 0..<n {
                                    sum += Int64(src[row + (start + t) * c + ch]) * Int64(horizontal.weights[k + t])
                                }
                                dst[(y * w + x) * c + ch] = clip8(sum)
                            }
                        }
                    }
                }
            }
        }
        guard needVertical else {
            return Image(width: w, height: h, channels: c) { out in
                for y in 0..<h {
                    let from = ((rows.lowerBound + y - rowOffset) * middleW + columnOffset) * c
                    for i in 0..<(w * c) { out[y * w * c + i] = middle[from + i] }
                }
            }
        }
        return Image(width: w, height: h, channels: c) { out in
            middle.withUnsafeBufferPointer { src in
                for y in 0..<h {
                    let start = Int(vertical.first[y]) - rowOffset, n = Int(vertical.count[y]), k = y * vertical.ksize
                    for i in 0..<(w * c) {
                        var sum = Int64(1) << (precisionBits - 1)
                        for t in 0..<n {
                            sum += Int64(src[((start + t) * middleW + columnOffset) * c + i]) * Int64(vertical.weights[k + t])
                        }
                        out[y * w * c + i] = clip8(sum)
                    }
                }
            }
        }
    }
}
