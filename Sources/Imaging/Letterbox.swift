import Boxes

/// A letterbox: the image scaled to fit a target size with its aspect ratio kept, centred on a plain
/// background (the YOLO preprocessing), and the mapping between the two coordinate systems.
///
/// `scale = min(targetWidth / width, targetHeight / height)`; the scaled image is `round(width · scale) ×
/// round(height · scale)`, placed at `((targetWidth − w) / 2, (targetHeight − h) / 2)` rounded down
/// (``Geometry/centered``), or as Ultralytics' `LetterBox` places it (``Geometry/ultralytics``: sides rounded half
/// to even, as Python's `round`, and the left and top padding `round(padding / 2 − 0.1)`), so that a Swift user
/// prepares the input of an exported YOLO model as its own predictor does: with ``apply(to:fill:)``'s bilinear
/// resize (OpenCV's `INTER_LINEAR`) and gray 114, pixels equal Ultralytics' to ±1 level (tested on its own
/// letterboxed images).
public struct Letterbox: Sendable, Equatable {
    /// Where the scaled image goes and how its size rounds.
    public enum Geometry: String, Sendable, CaseIterable {
        /// Sides rounded half away from zero, the padding split with the odd pixel after the image.
        case centered
        /// Ultralytics' `LetterBox(auto=False, scaleup=True, center=True)`.
        case ultralytics
    }

    /// Size of the original image.
    public let sourceWidth: Int, sourceHeight: Int
    /// Size of the letterboxed image.
    public let targetWidth: Int, targetHeight: Int
    /// Size of the scaled image inside the target.
    public let scaledWidth: Int, scaledHeight: Int
    /// Where the scaled image starts in the target.
    public let padX: Int, padY: Int

    /// The letterbox of a `sourceWidth × sourceHeight` image in a `targetWidth × targetHeight` frame; throws for a
    /// size that is not positive or a target beyond ``Image/largestSide`` or ``Image/largestPixelCount``.
    public init(sourceWidth: Int, sourceHeight: Int, targetWidth: Int, targetHeight: Int, geometry: Geometry = .centered) throws {
        guard sourceWidth > 0, sourceHeight > 0, (1...Image.largestSide).contains(targetWidth), (1...Image.largestSide).contains(targetHeight),
            targetWidth * targetHeight <= Image.largestPixelCount
        else {
            throw ImagingError.invalidImage("letterbox \(sourceWidth)×\(sourceHeight) into \(targetWidth)×\(targetHeight)")
        }
        self.sourceWidth = sourceWidth
        self.sourceHeight = sourceHeight
        self.targetWidth = targetWidth
        self.targetHeight = targetHeight
        let scale = Swift.min(Double(targetWidth) / Double(sourceWidth), Double(targetHeight) / Double(sourceHeight))
        let rule: FloatingPointRoundingRule = geometry == .ultralytics ? .toNearestOrEven : .toNearestOrAwayFromZero
        scaledWidth = Swift.max(1, Swift.min(targetWidth, Int((Double(sourceWidth) * scale).rounded(rule))))
        scaledHeight = Swift.max(1, Swift.min(targetHeight, Int((Double(sourceHeight) * scale).rounded(rule))))
        switch geometry {
        case .centered:
            padX = (targetWidth - scaledWidth) / 2
            padY = (targetHeight - scaledHeight) / 2
        case .ultralytics:
            padX = Int((Double(targetWidth - scaledWidth) / 2 - 0.1).rounded(.toNearestOrEven))
            padY = Int((Double(targetHeight - scaledHeight) / 2 - 0.1).rounded(.toNearestOrEven))
        }
    }

    /// Horizontal and vertical scale from source to target (equal up to rounding of the scaled size).
    public var scaleX: Double { Double(scaledWidth) / Double(sourceWidth) }
    /// Vertical scale from source to target.
    public var scaleY: Double { Double(scaledHeight) / Double(sourceHeight) }

    /// A box in source coordinates mapped into the letterboxed image.
    public func toTarget(_ b: Box) -> Box {
        Box(
            x1: Float(Double(b.x1) * scaleX + Double(padX)), y1: Float(Double(b.y1) * scaleY + Double(padY)),
            x2: Float(Double(b.x2) * scaleX + Double(padX)), y2: Float(Double(b.y2) * scaleY + Double(padY)))
    }

    /// A box found in the letterboxed image mapped back to the source image, clipped to it.
    public func toSource(_ b: Box) -> Box {
        func x(_ v: Float) -> Float { Float(Swift.min(Swift.max((Double(v) - Double(padX)) / scaleX, 0), Double(sourceWidth))) }
        func y(_ v: Float) -> Float { Float(Swift.min(Swift.max((Double(v) - Double(padY)) / scaleY, 0), Double(sourceHeight))) }
        return Box(x1: x(b.x1), y1: y(b.y1), x2: x(b.x2), y2: y(b.y2))
    }

    /// The letterboxed image: `image` resized (bilinear) onto a background of `fill` (default YOLO's gray 114;
    /// an alpha channel is opaque).
    public func apply(to image: Image, fill: UInt8 = 114) throws -> Image {
        guard image.width == sourceWidth, image.height == sourceHeight else {
            throw ImagingError.invalidImage("letterbox made for \(sourceWidth)×\(sourceHeight), image is \(image.width)×\(image.height)")
        }
        let scaled = try image.resized(width: scaledWidth, height: scaledHeight, filter: .bilinear)
        let c = image.channels
        let background = c == 2 || c == 4 ? [UInt8](repeating: fill, count: c - 1) + [255] : [UInt8](repeating: fill, count: c)
        var out = try Image(width: targetWidth, height: targetHeight, fill: background)
        for y in 0..<scaledHeight {
            let from = y * scaledWidth * c, to = ((y + padY) * targetWidth + padX) * c
            out.pixels.replaceSubrange(to..<(to + scaledWidth * c), with: scaled.pixels[from..<(from + scaledWidth * c)])
        }
        return out
    }
}
