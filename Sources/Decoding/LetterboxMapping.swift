import Boxes

/// How boxes found in a letterboxed network input map back to the original image: the `scale_boxes` of
/// Ultralytics (ultralytics.utils.ops) or of YOLOv5 (yolov5.utils.general), computed as they compute it.
///
/// For an image of `w0 × h0` letterboxed into `w1 × h1`, Ultralytics (``Convention/ultralytics``):
/// `gain = min(h1 / h0, w1 / w0)`, `newW = max(round(w0 · gain), 1)`, `newH = max(round(h0 · gain), 1)` (Python's
/// `round`, half to even, in `Double`), `gainX = newW / w0`, `gainY = newH / h0`,
/// `padX = round((w1 − newW) / 2 − 0.1)`, `padY = round((h1 − newH) / 2 − 0.1)`. A box maps back as
/// `x ← (x − padX) / gainX`, `y ← (y − padY) / gainY` in `Float` (as PyTorch divides a float32 tensor by a Python
/// float), then each coordinate is clamped to `[0, w0]` or `[0, h0]` (`clip_boxes`). This is also the geometry of
/// Ultralytics' `LetterBox` (centred, `scaleup`, no `auto` stride), so it inverts the preprocessing of a model
/// exported with a fixed input size.
///
/// YOLOv5 (``Convention/yolov5``) uses one gain and fractional padding: `gain = min(h1 / h0, w1 / w0)`,
/// `padX = (w1 − w0 · gain) / 2`, `padY = (h1 − h0 · gain) / 2`, `x ← (x − padX) / gain`, the same clamp.
public struct LetterboxMapping: Sendable, Equatable {
    /// Whose `scale_boxes` to reproduce.
    public enum Convention: String, Sendable, CaseIterable {
        /// Ultralytics 8 (YOLOv8 and later): sides rounded, padding rounded, a gain per axis.
        case ultralytics
        /// YOLOv5: one gain, fractional padding.
        case yolov5
    }

    /// The original image's size.
    public let imageWidth: Int, imageHeight: Int
    /// The network input's size.
    public let inputWidth: Int, inputHeight: Int
    /// Scale from image to input, per axis (`newW / w0`, `newH / h0`).
    public let gainX: Double, gainY: Double
    /// Padding before the image in the input (left, top); whole numbers in the Ultralytics convention.
    public let padX: Double, padY: Double

    /// The mapping of a `imageWidth × imageHeight` image letterboxed into `inputWidth × inputHeight`; throws for a
    /// size that is not positive.
    public init(imageWidth: Int, imageHeight: Int, inputWidth: Int, inputHeight: Int, convention: Convention = .ultralytics) throws {
        guard imageWidth > 0, imageHeight > 0, inputWidth > 0, inputHeight > 0 else {
            throw DecodingError(
                source: "letterbox", message: "sizes must be positive (image \(imageWidth)×\(imageHeight), input \(inputWidth)×\(inputHeight))")
        }
        self.imageWidth = imageWidth
        self.imageHeight = imageHeight
        self.inputWidth = inputWidth
        self.inputHeight = inputHeight
        let gain = Swift.min(Double(inputHeight) / Double(imageHeight), Double(inputWidth) / Double(imageWidth))
        guard convention == .ultralytics else {
            gainX = gain
            gainY = gain
            padX = (Double(inputWidth) - Double(imageWidth) * gain) / 2
            padY = (Double(inputHeight) - Double(imageHeight) * gain) / 2
            return
        }
        let newW = Swift.max((Double(imageWidth) * gain).rounded(.toNearestOrEven), 1)
        let newH = Swift.max((Double(imageHeight) * gain).rounded(.toNearestOrEven), 1)
        gainX = newW / Double(imageWidth)
        gainY = newH / Double(imageHeight)
        padX = ((Double(inputWidth) - newW) / 2 - 0.1).rounded(.toNearestOrEven)
        padY = ((Double(inputHeight) - newH) / 2 - 0.1).rounded(.toNearestOrEven)
    }

    /// The identity mapping for boxes already in image coordinates (input = image), still clipped to it.
    public init(imageWidth: Int, imageHeight: Int) throws {
        try self.init(imageWidth: imageWidth, imageHeight: imageHeight, inputWidth: imageWidth, inputHeight: imageHeight)
    }

    /// An oriented box in input pixels mapped back to the image as Ultralytics' OBB predictor does
    /// (`scale_boxes(..., xywh=True)`): `cx ← (cx − padX) / gainX`, `cy ← (cy − padY) / gainY`, `w ← w / gainX`,
    /// `h ← h / gainY` in `Float`, the angle unchanged, nothing clipped.
    public func toImage(_ r: RotatedBox) -> RotatedBox {
        let gx = Float(gainX), gy = Float(gainY)
        return RotatedBox(cx: (r.cx - Float(padX)) / gx, cy: (r.cy - Float(padY)) / gy, width: r.width / gx, height: r.height / gy, angle: r.angle)
    }

    /// A box in input pixels mapped back to the image and clipped to it (`scale_boxes`).
    public func toImage(_ x1: Float, _ y1: Float, _ x2: Float, _ y2: Float) -> (Float, Float, Float, Float) {
        let gx = Float(gainX), gy = Float(gainY), px = Float(padX), py = Float(padY)
        let w = Float(imageWidth), h = Float(imageHeight)
        func clamp(_ v: Float, _ upper: Float) -> Float { Swift.min(Swift.max(v, 0), upper) }
        return (clamp((x1 - px) / gx, w), clamp((y1 - py) / gy, h), clamp((x2 - px) / gx, w), clamp((y2 - py) / gy, h))
    }
}
