import Boxes
import DetectKitUtilities
import Foundation
import Suppression

/// Detector-like candidate boxes for tests: clusters of jittered boxes around objects, plus stray boxes,
/// duplicates, zero-area boxes and integer coordinates, so that ties and exact-threshold IoUs occur.
public enum RandomDetections {
    /// `count` boxes of up to `categories` classes on a `width × height` canvas, objects with sides in `sizes`.
    public static func make(
        seed: UInt64, count: Int, categories: Int = 1, width: Float = 640, height: Float = 480,
        sizes: ClosedRange<Float> = 8...160, integerCoordinates: Bool = false
    ) throws -> Detections {
        var rng = SplitMix64(seed: seed)
        var boxes = BoxArray()
        var scores: [Float] = []
        var cats: [Int] = []
        var deviations: [SIMD4<Float>] = []
        var models: [Int] = []
        func round(_ v: Float) -> Float { integerCoordinates ? v.rounded() : (v * 10).rounded() / 10 }
        while scores.count < count {
            // Log-uniform sides, so that small and large objects both occur.
            func side() -> Float { sizes.lowerBound * powf(sizes.upperBound / sizes.lowerBound, Float.random(in: 0...1, using: &rng)) }
            let w = side(), h = side()
            let x = Float.random(in: -20...Swift.max(width - w, -19), using: &rng)
            let y = Float.random(in: -20...Swift.max(height - h, -19), using: &rng)
            let confidence = Float.random(in: 0.2...1, using: &rng)
            let category = Int.random(in: 0..<max(categories, 1), using: &rng)
            for _ in 0..<Int.random(in: 1...12, using: &rng) where scores.count < count {
                let kind = Int.random(in: 0..<20, using: &rng)
                var b: Box
                if kind == 0, let last = boxes.last {
                    b = last  // exact duplicate
                } else if kind == 1 {
                    let px = round(x + Float.random(in: 0...w, using: &rng))
                    b = Box(x1: px, y1: round(y), x2: px, y2: round(y + h))  // zero width
                } else {
                    let jx = Float.random(in: -0.15...0.15, using: &rng) * w
                    let jy = Float.random(in: -0.15...0.15, using: &rng) * h
                    let sw = w * Float.random(in: 0.8...1.2, using: &rng), sh = h * Float.random(in: 0.8...1.2, using: &rng)
                    b = Box(x1: round(x + jx), y1: round(y + jy), x2: round(x + jx + sw), y2: round(y + jy + sh))
                }
                boxes.append(b)
                // Three decimals, so equal scores happen.
                scores.append((confidence * Float.random(in: 0.3...1, using: &rng) * 1000).rounded() / 1000)
                cats.append(category)
                deviations.append(SIMD4<Float>(
                    Float.random(in: 0.5...8, using: &rng), Float.random(in: 0.5...8, using: &rng),
                    Float.random(in: 0.5...8, using: &rng), Float.random(in: 0.5...8, using: &rng)))
                models.append(Int.random(in: 0..<3, using: &rng))
            }
        }
        return try Detections(boxes: boxes, scores: scores, categories: cats, deviations: deviations, models: models)
    }

    /// `count` oriented boxes of up to `categories` classes: clusters of jittered copies (centre, sides, angle, and
    /// now and then the same rectangle written as `(h, w, θ + π/2)` or `(w, h, θ + π)`) around objects at any angle,
    /// plus exact duplicates and zero-size boxes; scores with three decimals, so that ties occur.
    public static func oriented(
        seed: UInt64, count: Int, categories: Int = 1, width: Float = 640, height: Float = 480,
        sizes: ClosedRange<Float> = 4...160
    ) throws -> Detections {
        var rng = SplitMix64(seed: seed)
        var boxes: [RotatedBox] = [], scores: [Float] = [], cats: [Int] = [], models: [Int] = []
        while scores.count < count {
            func side() -> Float { sizes.lowerBound * powf(sizes.upperBound / sizes.lowerBound, Float.random(in: 0...1, using: &rng)) }
            let w = side(), h = side(), angle = Float.random(in: -7...7, using: &rng)
            let cx = Float.random(in: 0...width, using: &rng), cy = Float.random(in: 0...height, using: &rng)
            let confidence = Float.random(in: 0.2...1, using: &rng)
            let category = Int.random(in: 0..<max(categories, 1), using: &rng)
            for _ in 0..<Int.random(in: 1...12, using: &rng) where scores.count < count {
                let kind = Int.random(in: 0..<20, using: &rng)
                var b = RotatedBox(
                    cx: cx + Float.random(in: -0.15...0.15, using: &rng) * w, cy: cy + Float.random(in: -0.15...0.15, using: &rng) * h,
                    width: w * Float.random(in: 0.8...1.2, using: &rng), height: h * Float.random(in: 0.8...1.2, using: &rng),
                    angle: angle + Float.random(in: -0.2...0.2, using: &rng))
                switch kind {
                case 0: b = boxes.last ?? b  // exact duplicate
                case 1: b.width = 0
                case 2: (b.width, b.height, b.angle) = (b.height, b.width, b.angle + .pi / 2)
                case 3: b.angle += .pi
                default: break
                }
                boxes.append(b)
                scores.append((confidence * Float.random(in: 0.3...1, using: &rng) * 1000).rounded() / 1000)
                cats.append(category)
                models.append(Int.random(in: 0..<3, using: &rng))
            }
        }
        return try Detections(rotated: boxes, scores: scores, categories: cats, models: models)
    }

    /// All of `d` as one suppression group.
    public static func group(_ d: Detections, scoreThreshold: Float = 0, convention: BoxConvention = .continuous)
        -> SuppressionGroup
    {
        SuppressionGroup(
            boxes: d.boxes, scores: d.scores, deviations: d.deviations, models: d.models,
            convention: convention, scoreThreshold: scoreThreshold, rotated: d.rotated)
    }
}
