import Boxes
import Foundation

/// torchvision's `BoxCoder.decode_single` (torchvision.models.detection._utils): a box regression
/// `(dx, dy, dw, dh)` applied to an anchor, in float32 as torchvision computes it.
///
/// With the anchor's width `w = x2 − x1`, height `h`, centre `cx = x1 + 0.5·w`, `cy = y1 + 0.5·h` and weights
/// `(wx, wy, ww, wh)`: `dx ← dx / wx`, …, `dw ← min(dw / ww, clip)`, `dh ← min(dh / wh, clip)`;
/// `pcx = dx·w + cx`, `pcy = dy·h + cy`, `pw = exp(dw)·w`, `ph = exp(dh)·h`; the box is
/// `pcx ∓ 0.5·pw`, `pcy ∓ 0.5·ph`. `clip` defaults to `log(1000 / 16)`, so no box grows beyond 62.5 anchors.
public struct BoxCoder: Sendable, Equatable {
    /// `(wx, wy, ww, wh)`: RetinaNet and Faster R-CNN use (1, 1, 1, 1), SSD (10, 10, 5, 5).
    public var weights: SIMD4<Float>
    /// The largest `dw`, `dh` after weighting.
    public var clip: Float

    /// A coder; `clip` defaults to torchvision's `math.log(1000.0 / 16)`.
    public init(weights: SIMD4<Float>, clip: Float = Float(Foundation.log(1000.0 / 16))) {
        self.weights = weights
        self.clip = clip
    }

    /// The box that `regression` makes of `anchor`.
    public func decode(_ regression: SIMD4<Float>, anchor: Box) -> Box {
        let w = anchor.x2 - anchor.x1, h = anchor.y2 - anchor.y1
        let cx = anchor.x1 + 0.5 * w, cy = anchor.y1 + 0.5 * h
        let dx = regression.x / weights.x, dy = regression.y / weights.y
        let dw = Swift.min(regression.z / weights.z, clip), dh = Swift.min(regression.w / weights.w, clip)
        let pcx = dx * w + cx, pcy = dy * h + cy
        let halfW = 0.5 * (Foundation.exp(dw) * w), halfH = 0.5 * (Foundation.exp(dh) * h)
        return Box(x1: pcx - halfW, y1: pcy - halfH, x2: pcx + halfW, y2: pcy + halfH)
    }
}
