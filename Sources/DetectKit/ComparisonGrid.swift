import Boxes
import Imaging

/// One image of a comparison shown as a grid: the same picture once per panel (ground truth, then each method),
/// each with its own boxes drawn, shrunk to a common tile width.
public enum ComparisonGrid {
    /// One panel: a caption and the boxes to draw, in the original image's pixel coordinates.
    public struct Panel: Sendable {
        /// Shown above the tile.
        public var caption: String
        /// Boxes and labels.
        public var annotations: [Annotation]

        /// A panel.
        public init(caption: String, annotations: [Annotation]) {
            self.caption = caption
            self.annotations = annotations
        }
    }

    /// The grid of `panels` over `image`, tiles at most `tileWidth` pixels wide (the image is shrunk with the area
    /// filter, never enlarged), `columns` per row.
    public static func render(_ image: Image, panels: [Panel], tileWidth: Int = 360, columns: Int = 4) throws -> Image {
        let scale = min(1, Double(max(16, tileWidth)) / Double(image.width))
        let w = max(1, Int((Double(image.width) * scale).rounded())), h = max(1, Int((Double(image.height) * scale).rounded()))
        let tile = scale < 1 ? try image.resized(width: w, height: h, filter: .area) : image
        let sx = Float(w) / Float(image.width), sy = Float(h) / Float(image.height)
        let tiles = panels.map { panel in
            ImageGrid.Tile(
                image: tile.drawing(
                    panel.annotations.map {
                        var a = $0
                        a.box = Box(x1: a.box.x1 * sx, y1: a.box.y1 * sy, x2: a.box.x2 * sx, y2: a.box.y2 * sy)
                        // The two scales differ only by the rounding of the tile's sides: sides take their mean.
                        a.rotated = a.rotated.map {
                            let s = (sx + sy) / 2
                            return RotatedBox(cx: $0.cx * sx, cy: $0.cy * sy, width: $0.width * s, height: $0.height * s, angle: $0.angle)
                        }
                        return a
                    }, style: DrawingStyle(lineWidth: 2, textHeight: 11)),
                caption: panel.caption)
        }
        return try ImageGrid(columns: columns, spacing: 10, captionHeight: 14).composed(tiles)
    }
}
