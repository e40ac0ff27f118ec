import Boxes

/// Cuts an image into overlapping tiles for slicing-aided (tiled) inference, with the geometry of SAHI's
/// `get_slice_bboxes` (`auto_slice_resolution` off).
///
/// Along each axis of length `L`, for a tile side `s` and an overlap ratio `r`: the overlap is
/// `ov = ⌊r · s⌋` pixels (the product in `Double`, truncated), the stride `s − ov`. Windows start at 0 and step
/// by the stride; the first window that reaches or passes the edge is the last, moved back to end flush with it:
/// `[max(0, L − s), L)` (so it may overlap its neighbour by more than `ov`; a tile larger than the image becomes
/// one window, the image's size). The tiles are every pair of a row window and a column window, rows outer,
/// top to bottom and left to right, as SAHI lists them.
///
/// SAHI also accepts negative ratios (gaps between tiles); DetectKit refuses them, and ratios of 1 or more, as
/// SAHI does. An image that would make more than ``maximumTiles`` tiles is refused too (a tile side far too small
/// for the image would otherwise run a detector millions of times).
public struct Slicer: Sendable, Equatable {
    /// One tile: pixels `x..<x + width`, `y..<y + height` of the image.
    public struct Tile: Sendable, Equatable {
        /// Left column.
        public var x: Int
        /// Top row.
        public var y: Int
        /// Width in pixels.
        public var width: Int
        /// Height in pixels.
        public var height: Int

        /// A tile.
        public init(x: Int, y: Int, width: Int, height: Int) {
            self.x = x
            self.y = y
            self.width = width
            self.height = height
        }

        /// The tile as a box in image coordinates (what `Image.cropped(to:)` takes).
        public var box: Box { Box(x1: Float(x), y1: Float(y), x2: Float(x + width), y2: Float(y + height)) }
    }

    /// The most tiles one image may be cut into.
    public static let maximumTiles = 10_000

    /// Tile width in pixels.
    public let tileWidth: Int
    /// Tile height in pixels.
    public let tileHeight: Int
    /// Overlap of horizontally adjacent tiles, as a fraction of `tileWidth`, in `[0, 1)`.
    public let overlapWidthRatio: Double
    /// Overlap of vertically adjacent tiles, as a fraction of `tileHeight`, in `[0, 1)`.
    public let overlapHeightRatio: Double

    /// A slicer; throws ``ImagingError/invalidSlicing(_:)`` for a side below 1 or a ratio outside `[0, 1)`.
    public init(tileWidth: Int, tileHeight: Int, overlapWidthRatio: Double = 0.2, overlapHeightRatio: Double = 0.2) throws {
        guard tileWidth >= 1, tileHeight >= 1 else {
            throw ImagingError.invalidSlicing("tile size \(tileWidth)×\(tileHeight) must be at least 1×1")
        }
        for ratio in [overlapWidthRatio, overlapHeightRatio] where !(ratio >= 0 && ratio < 1) {
            throw ImagingError.invalidSlicing("overlap ratio \(ratio) must be at least 0 and below 1")
        }
        self.tileWidth = tileWidth
        self.tileHeight = tileHeight
        self.overlapWidthRatio = overlapWidthRatio
        self.overlapHeightRatio = overlapHeightRatio
    }

    /// Square tiles of `tileSize` with the same overlap ratio along both axes (SAHI's default ratio is 0.2).
    public init(tileSize: Int, overlapRatio: Double = 0.2) throws {
        try self.init(tileWidth: tileSize, tileHeight: tileSize, overlapWidthRatio: overlapRatio, overlapHeightRatio: overlapRatio)
    }

    /// The tiles of an `imageWidth × imageHeight` image, in SAHI's order; throws
    /// ``ImagingError/invalidSlicing(_:)`` for an image without pixels or one that makes more than ``maximumTiles``.
    public func tiles(imageWidth: Int, imageHeight: Int) throws -> [Tile] {
        guard imageWidth >= 1, imageHeight >= 1 else {
            throw ImagingError.invalidSlicing("image size \(imageWidth)×\(imageHeight) has no pixels")
        }
        let columns = Self.windows(length: imageWidth, side: tileWidth, ratio: overlapWidthRatio, atMost: Self.maximumTiles)
        let rows = Self.windows(length: imageHeight, side: tileHeight, ratio: overlapHeightRatio, atMost: Self.maximumTiles)
        guard let columns, let rows, columns.count <= Self.maximumTiles / rows.count else {
            throw ImagingError.invalidSlicing(
                "tiles of \(tileWidth)×\(tileHeight) with overlap \(overlapWidthRatio)×\(overlapHeightRatio) cut the "
                    + "\(imageWidth)×\(imageHeight) image into more than \(Self.maximumTiles) tiles")
        }
        return rows.flatMap { row in
            columns.map { column in Tile(x: column.start, y: row.start, width: column.end - column.start, height: row.end - row.start) }
        }
    }

    /// The windows `start..<end` along one axis (`side ≥ 1`, `ratio` in `[0, 1)`, so the stride is at least 1); nil
    /// when there would be more than `limit`.
    static func windows(length: Int, side: Int, ratio: Double, atMost limit: Int) -> [(start: Int, end: Int)]? {
        let overlap = Int(ratio * Double(side))
        var result: [(start: Int, end: Int)] = []
        var start = 0
        while true {
            // `start < length` here, so `start + side` cannot overflow unless `side` is near Int.max.
            let (end, overflow) = start.addingReportingOverflow(side)
            if overflow || end >= length {
                result.append((Swift.max(0, length - side), length))
                return result
            }
            guard result.count < limit - 1 else { return nil }
            result.append((start, end))
            start = end - overlap
        }
    }
}
