/// How ``Image/resized(width:height:filter:)`` samples.
public enum ResizeFilter: String, Sendable, CaseIterable {
    /// Bilinear interpolation with pixel centres at half-integers, no antialiasing: OpenCV's `INTER_LINEAR`
    /// (to ±1 level: OpenCV rounds its weights to 11 bits).
    case bilinear
    /// Each output pixel is the mean of the input area it covers, partial pixels weighted by their coverage:
    /// OpenCV's `INTER_AREA` when shrinking (to ±1 level); bilinear when enlarging, as OpenCV does.
    case area
}

extension Image {
    /// The image resampled to `width × height` (separable: rows, then columns; `Float` accumulation, rounded
    /// half up and clamped to 0–255).
    public func resized(width outW: Int, height outH: Int, filter: ResizeFilter = .bilinear) throws -> Image {
        guard outW > 0, outH > 0 else { throw ImagingError.invalidImage("resize to \(outW)×\(outH)") }
        if outW == width && outH == height { return self }
        let shrinking = outW <= width && outH <= height
        let horizontal = filter == .area && shrinking ? Self.areaTaps(width, outW) : Self.bilinearTaps(width, outW)
        let vertical = filter == .area && shrinking ? Self.areaTaps(height, outH) : Self.bilinearTaps(height, outH)
        let c = channels
        // Rows first: height × outW intermediate in Float.
        var middle = [Float](repeating: 0, count: height * outW * c)
        pixels.withUnsafeBufferPointer { src in
            middle.withUnsafeMutableBufferPointer { mid in
                for y in 0..<height {
                    let row = y * width * c, outRow = y * outW * c
                    for x in 0..<outW {
                        for tap in horizontal[x] {
                            let from = row + tap.index * c, to = outRow + x * c
                            for k in 0..<c { mid[to + k] += tap.weight * Float(src[from + k]) }
                        }
                    }
                }
            }
        }
        return Image(width: outW, height: outH, channels: c) { out in
            out.initialize(repeating: 0)
            var accumulator = [Float](repeating: 0, count: outW * c)
            middle.withUnsafeBufferPointer { mid in
                for y in 0..<outH {
                    for i in 0..<accumulator.count { accumulator[i] = 0 }
                    for tap in vertical[y] {
                        let row = tap.index * outW * c
                        for i in 0..<(outW * c) { accumulator[i] += tap.weight * mid[row + i] }
                    }
                    for i in 0..<(outW * c) {
                        let v = (accumulator[i] + 0.5).rounded(.down)
                        out[y * outW * c + i] = UInt8(v < 0 ? 0 : (v > 255 ? 255 : v))
                    }
                }
            }
        }
    }

    /// One input sample contributing to an output sample.
    struct Tap {
        var index: Int
        var weight: Float
    }

    /// Bilinear taps: output `x` samples input `(x + 0.5) · in/out − 0.5`, clamped to the edges.
    static func bilinearTaps(_ inSize: Int, _ outSize: Int) -> [[Tap]] {
        let scale = Double(inSize) / Double(outSize)
        return (0..<outSize).map { x in
            let s = (Double(x) + 0.5) * scale - 0.5
            let i0 = Int(s.rounded(.down))
            let f = Float(s - Double(i0))
            let a = Swift.min(Swift.max(i0, 0), inSize - 1), b = Swift.min(Swift.max(i0 + 1, 0), inSize - 1)
            return a == b ? [Tap(index: a, weight: 1)] : [Tap(index: a, weight: 1 - f), Tap(index: b, weight: f)]
        }
    }

    /// Area taps when shrinking: output `x` covers input `[x · r, (x + 1) · r)`, `r = in/out`.
    static func areaTaps(_ inSize: Int, _ outSize: Int) -> [[Tap]] {
        let r = Double(inSize) / Double(outSize)
        return (0..<outSize).map { x in
            let start = Double(x) * r, end = Swift.min(Double(x + 1) * r, Double(inSize))
            var taps: [Tap] = []
            var i = Int(start.rounded(.down))
            while Double(i) < end && i < inSize {
                let covered = Swift.min(end, Double(i + 1)) - Swift.max(start, Double(i))
                if covered > 1e-9 { taps.append(Tap(index: i, weight: Float(covered / r))) }
                i += 1
            }
            return taps
        }
    }
}
