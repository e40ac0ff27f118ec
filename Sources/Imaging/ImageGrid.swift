/// Images laid out side by side in a grid on a white canvas, each under a caption: how `detectkit compare
/// --report` shows the ground truth and every method's kept boxes on one image.
///
/// Cells are as large as the largest tile; tiles sit at the top left of their cell, under their caption (drawn
/// in black with the built-in font, clipped to the cell's width). Tiles of any channel count are shown in RGB.
public struct ImageGrid: Sendable {
    /// One cell: an image and the caption above it.
    public struct Tile: Sendable {
        /// The image.
        public var image: Image
        /// The caption; may be empty.
        public var caption: String

        /// A tile.
        public init(image: Image, caption: String) {
            self.image = image
            self.caption = caption
        }
    }

    /// Cells per row.
    public var columns: Int
    /// Pixels between cells and around the grid.
    public var spacing: Int
    /// Pixel height of the caption text.
    public var captionHeight: Int

    /// A layout; `columns` is at least 1.
    public init(columns: Int, spacing: Int = 8, captionHeight: Int = 16) {
        self.columns = Swift.max(1, columns)
        self.spacing = Swift.max(0, spacing)
        self.captionHeight = Swift.max(6, captionHeight)
    }

    /// The grid of `tiles`, row by row; an empty list gives a blank `spacing`-sized canvas. Throws
    /// ``ImagingError/tooLarge(source:width:height:maxPixels:)`` when the canvas would hold more pixels than the
    /// decoders' default budget (``DecodeOptions/maxPixels``), which also keeps its size arithmetic from overflowing.
    public func composed(_ tiles: [Tile]) throws -> Image {
        let rgb = try tiles.map { try $0.image.channels == 3 ? $0.image : $0.image.droppingAlpha().converted(toChannels: 3) }
        let cellW = rgb.map(\.width).max() ?? 0, imageH = rgb.map(\.height).max() ?? 0
        let cols = Swift.max(1, Swift.min(columns, tiles.count)), rows = (tiles.count + cols - 1) / cols
        // spacing + n · (cell + spacing), in Double first: no sum or product of sizes may overflow.
        func side(_ n: Int, _ cell: Double) -> Double { Double(spacing) + Double(n) * (cell + Double(spacing)) }
        let wide = side(cols, Double(cellW))
        let high = side(rows, Double(captionHeight) + Double(captionHeight / 3) + Double(imageH))
        let budget = DecodeOptions().maxPixels
        guard wide * high <= Double(budget) else {
            throw ImagingError.tooLarge(
                source: "image grid", width: Int(Swift.min(wide, 1e18)), height: Int(Swift.min(high, 1e18)), maxPixels: budget)
        }
        let band = captionHeight + captionHeight / 3, cellH = band + imageH
        let width = Swift.max(1, Int(wide)), height = Swift.max(1, Int(high))
        var canvas = try Image(width: width, height: height, fill: [255, 255, 255])
        let font = BuiltinFont()
        for (i, tile) in rgb.enumerated() {
            let x0 = spacing + (i % cols) * (cellW + spacing), y0 = spacing + (i / cols) * (cellH + spacing)
            if !tiles[i].caption.isEmpty {
                var mask = font.render(font.visiblePrefix(tiles[i].caption, height: captionHeight, width: cellW), height: captionHeight)
                if mask.width > cellW { mask = Self.cropped(mask, width: cellW) }
                canvas.blend(mask, atX: x0, y: y0, [0, 0, 0])
            }
            canvas.pixels.withUnsafeMutableBufferPointer { dst in
                tile.pixels.withUnsafeBufferPointer { src in
                    for y in 0..<tile.height {
                        let d = ((y0 + band + y) * width + x0) * 3
                        _ = UnsafeMutableBufferPointer(rebasing: dst[d..<(d + tile.width * 3)])
                            .initialize(from: src[(y * tile.width * 3)..<((y + 1) * tile.width * 3)])
                    }
                }
            }
        }
        return canvas
    }

    /// The left `w` columns of a mask.
    static func cropped(_ mask: BuiltinFont.Mask, width w: Int) -> BuiltinFont.Mask {
        var alpha: [UInt8] = []
        alpha.reserveCapacity(w * mask.height)
        for y in 0..<mask.height { alpha += mask.alpha[(y * mask.width)..<(y * mask.width + w)] }
        return (w, mask.height, alpha)
    }
}
