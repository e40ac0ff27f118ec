/// How ``Image/resized(width:height:filter:)`` samples.
public enum ResizeFilter: String, Sendable, CaseIterable {
    /// Bilinear interpolation with pixel centres at half-integers, no antialiasing: OpenCV's `INTER_LINEAR`
    /// (to ±1 level: OpenCV rounds its weights to 11 bits).
    case bilinear
    /// Each output pixel is the mean of the input area it covers, partial pixels weighted by their coverage:
    /// OpenCV's `INTER_AREA` when shrinking (to ±1 level); bilinear when enlarging, as OpenCV does.
    case area
    /// Pillow's `BICUBIC` (Keys' cubic, a = −0.5, stretched when shrinking), bit for bit for gray and RGB images:
    /// what CLIP's preprocessing uses.
    case bicubic
}

extension Image {
    /// The image resampled to `width × height` (separable: rows, then columns; `Float` accumulation, rounded
    /// half up and clamped to 0–255). Throws ``ImagingError/invalidImage(_:)`` for a size that is not positive or
    /// passes ``Image/largestSide`` or ``Image/largestPixelCount``.
    public func resized(width outW: Int, height outH: Int, filter: ResizeFilter = .bilinear) throws -> Image {
        guard outW > 0, outH > 0, outW <= Self.largestSide, outH <= Self.largestSide, outW * outH <= Self.largestPixelCount else {
            throw ImagingError.invalidImage("resize to \(outW)×\(outH) (sides 1 to \(Self.largestSide), at most \(Self.largestPixelCount) pixels)")
        }
        if outW == width && outH == height { return self }
        if filter == .bicubic { return PillowResample.resampled(self, width: outW, height: outH) }
        if filter == .area && width % outW == 0 && height % outH == 0 {
            return reduced(byX: width / outW, y: height / outH)
        }
        let shrinking = outW <= width && outH <= height
        let horizontal = Taps(filter == .area && shrinking ? Self.areaTaps(width, outW) : Self.bilinearTaps(width, outW))
        let vertical = Taps(filter == .area && shrinking ? Self.areaTaps(height, outH) : Self.bilinearTaps(height, outH))
        let c = channels, inRow = width * c, midRow = outW * c
        // Rows first, into a height × outW intermediate in Float; then columns, one output row at a time.
        let middle = UnsafeMutableBufferPointer<Float>.allocate(capacity: height * midRow)
        let accumulator = UnsafeMutableBufferPointer<Float>.allocate(capacity: midRow)
        defer {
            middle.deallocate()
            accumulator.deallocate()
        }
        pixels.withUnsafeBufferPointer { src in
            for y in 0..<height {
                let row = src.baseAddress! + y * inRow, out = middle.baseAddress! + y * midRow
                for x in 0..<outW {
                    var sum = SIMD4<Float>(repeating: 0)
                    for t in horizontal.range(x) {
                        let p = row + Int(horizontal.index[t]) * c, w = horizontal.weight[t]
                        switch c {
                        case 1: sum.x += w * Float(p[0])
                        case 2: sum += w * SIMD4(Float(p[0]), Float(p[1]), 0, 0)
                        case 3: sum += w * SIMD4(Float(p[0]), Float(p[1]), Float(p[2]), 0)
                        default: sum += w * SIMD4(Float(p[0]), Float(p[1]), Float(p[2]), Float(p[3]))
                        }
                    }
                    for k in 0..<c { out[x * c + k] = sum[k] }
                }
            }
        }
        return Image(width: outW, height: outH, channels: c) { out in
            for y in 0..<outH {
                accumulator.initialize(repeating: 0)
                for t in vertical.range(y) {
                    let row = middle.baseAddress! + Int(vertical.index[t]) * midRow, w = vertical.weight[t]
                    for i in 0..<midRow { accumulator[i] += w * row[i] }
                }
                let o = y * midRow
                for i in 0..<midRow {
                    let v = accumulator[i] + 0.5
                    out[o + i] = v <= 0 ? 0 : (v >= 255 ? 255 : UInt8(v))  // truncation of v ≥ 0 is the floor
                }
            }
        }
    }

    /// Area shrinking by whole factors: each output sample is the mean of an `fx × fy` block, summed in integers
    /// and rounded half up (exact, and much faster than the general path).
    func reduced(byX fx: Int, y fy: Int) -> Image {
        let c = channels, outW = width / fx, outH = height / fy, n = UInt32(fx * fy)
        return Image(width: outW, height: outH, channels: c) { out in
            let sums = UnsafeMutablePointer<SIMD4<UInt32>>.allocate(capacity: outW)
            defer { sums.deallocate() }
            pixels.withUnsafeBufferPointer { src in
                for oy in 0..<outH {
                    sums.initialize(repeating: .zero, count: outW)
                    for y in (oy * fy)..<(oy * fy + fy) {
                        var p = src.baseAddress! + y * width * c
                        for ox in 0..<outW {
                            var sum = SIMD4<UInt32>.zero
                            for _ in 0..<fx {
                                switch c {
                                case 1: sum.x &+= UInt32(p[0])
                                case 2: sum &+= SIMD4(UInt32(p[0]), UInt32(p[1]), 0, 0)
                                case 3: sum &+= SIMD4(UInt32(p[0]), UInt32(p[1]), UInt32(p[2]), 0)
                                default: sum &+= SIMD4(UInt32(p[0]), UInt32(p[1]), UInt32(p[2]), UInt32(p[3]))
                                }
                                p += c
                            }
                            sums[ox] &+= sum
                        }
                    }
                    let o = oy * outW * c
                    for ox in 0..<outW {
                        let mean = (sums[ox] &+ SIMD4(repeating: n / 2)) / SIMD4(repeating: n)
                        for k in 0..<c { out[o + ox * c + k] = UInt8(truncatingIfNeeded: mean[k]) }
                    }
                }
            }
        }
    }

    /// Taps of every output sample in flat arrays: output `x` uses `index[t]`, `weight[t]` for `t` in `range(x)`.
    struct Taps {
        var start: [Int32] = [0]
        var index: [Int32] = []
        var weight: [Float] = []

        init(_ taps: [[Tap]]) {
            for list in taps {
                for tap in list {
                    index.append(Int32(tap.index))
                    weight.append(tap.weight)
                }
                start.append(Int32(index.count))
            }
        }

        @inline(__always) func range(_ x: Int) -> Range<Int> { Int(start[x])..<Int(start[x + 1]) }
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
