import Foundation

/// Slicing-aided (tiled) inference, the flow of SAHI's `get_sliced_prediction`: small objects in a large image
/// survive because the detector sees them at full resolution, one overlapping tile at a time.
///
/// 1. ``regions(imageWidth:imageHeight:)``: the ``slicer``'s tiles, top to bottom and left to right, plus the whole
///    image when ``fullImage`` is set and there is more than one tile (SAHI's `perform_standard_pred`).
/// 2. ``detect(_:threads:model:)``: the model runs on each region's pixels (in parallel over regions); its boxes are
///    shifted by the region's origin into the image's pixels, not clipped (SAHI shifts without clipping).
/// 3. ``keep(_:regions:suppressor:options:)``: each region's detections are suppressed on their own by the
///    pipeline's method (the detector's own post-processing, as each SAHI tile prediction is), then the
///    survivors of all regions of an image are merged by ``merger`` with ``mergeOptions``: by default
///    `greedy-nmm` on intersection over the smaller area at 0.5, per category (SAHI's `GREEDYNMM`, `IOS`, 0.5,
///    `class_agnostic=False`).
///
/// A tile larger than the image is one region, the image itself.
public struct Tiling: Sendable {
    /// The model failed on one region of the image.
    public struct RegionFailure: Error, CustomStringConvertible {
        /// The region, in the image's pixels.
        public var region: Slicer.Tile
        /// What the model threw.
        public var error: any Error

        /// `tile at (x, y), w×h: <error>`.
        public var description: String { "tile at (\(region.x), \(region.y)), \(region.width)×\(region.height): \(error)" }
    }

    /// How the image is cut.
    public var slicer: Slicer
    /// Also run the whole image (when it has more than one tile) and merge its detections with the tiles'.
    public var fullImage: Bool
    /// What merges the regions' survivors across tile borders.
    public var merger: any Suppressor
    /// Grouping and caps of the merge (per category by default).
    public var mergeOptions: SuppressionOptions

    /// A tiling; by default tiles only, merged as SAHI's sliced prediction merges them.
    public init(
        slicer: Slicer, fullImage: Bool = false, merger: any Suppressor = NonMaximumMerging(),
        mergeOptions: SuppressionOptions = .init()
    ) {
        self.slicer = slicer
        self.fullImage = fullImage
        self.merger = merger
        self.mergeOptions = mergeOptions
    }

    /// The regions the model runs on: the tiles, then the whole image when ``fullImage`` is set and there is more
    /// than one tile. Throws `ImagingError.invalidSlicing` for an image without pixels or with more than
    /// `Slicer.maximumTiles` tiles.
    public func regions(imageWidth: Int, imageHeight: Int) throws -> [Slicer.Tile] {
        let tiles = try slicer.tiles(imageWidth: imageWidth, imageHeight: imageHeight)
        guard fullImage, tiles.count > 1 else { return tiles }
        return tiles + [Slicer.Tile(x: 0, y: 0, width: imageWidth, height: imageHeight)]
    }

    /// The model's raw detections of every region of `image`, in the image's pixels, in region order, with the
    /// region (index into ``regions(imageWidth:imageHeight:)``) of each. Regions run on up to `threads` threads at
    /// once; the result does not depend on how many. A region whose model call throws fails the run with a
    /// ``RegionFailure`` naming it (the first such region in order).
    public func detect(
        _ image: Image, threads: Int = 1, model: @escaping @Sendable (Image) throws -> Detections
    ) throws -> (detections: Detections, regions: [Int]) {
        let regions = try regions(imageWidth: image.width, imageHeight: image.height)
        let outcomes = Outcomes<Result<Detections, Error>>(count: regions.count)
        ParallelLoop.forEach(regions.count, threads: threads) { r in
            outcomes.set(r, Result { try Self.detections(of: regions[r], in: image, model: model) })
        }
        var boxes = BoxArray(), scores: [Float] = [], categories: [Int] = [], owners: [Int] = []
        var deviations: [SIMD4<Float>]? = [], models: [Int]? = []
        for (r, outcome) in outcomes.all.enumerated() {
            let d: Detections
            do {
                d = try outcome.get()
            } catch {
                throw RegionFailure(region: regions[r], error: error)
            }
            for i in 0..<d.count { boxes.append(d.boxes[i]) }
            scores += d.scores
            categories += d.categories
            owners += [Int](repeating: r, count: d.count)
            deviations = deviations.flatMap { all in d.deviations.map { all + $0 } }
            models = models.flatMap { all in d.models.map { all + $0 } }
        }
        let detections = try Detections(boxes: boxes, scores: scores, categories: categories, deviations: deviations, models: models)
        return (detections, owners)
    }

    /// One region's detections, shifted into the image's pixels.
    private static func detections(
        of region: Slicer.Tile, in image: Image, model: (Image) throws -> Detections
    ) throws -> Detections {
        let whole = region.x == 0 && region.y == 0 && region.width == image.width && region.height == image.height
        guard let pixels = whole ? image : image.cropped(to: region.box) else {
            throw ImagingError.invalidSlicing("a tile at (\(region.x), \(region.y)) lies outside the \(image.width)×\(image.height) image")
        }
        var d = try model(pixels)
        let dx = Float(region.x), dy = Float(region.y)
        var shifted = BoxArray()
        shifted.reserveCapacity(d.count)
        for i in 0..<d.count {
            let b = d.boxes[i]
            shifted.append(Box(x1: b.x1 + dx, y1: b.y1 + dy, x2: b.x2 + dx, y2: b.y2 + dy))
        }
        d.boxes = shifted
        return d
    }

    /// What is kept of tiled raw detections (of one or many images, by `raw.images`): each region's detections
    /// (`regions[i]` is the region of detection `i`, within its image) suppressed on their own by `suppressor`
    /// with `options`, then each image's survivors merged by ``merger`` with ``mergeOptions``. A kept detection's
    /// `index` is the raw record it came from (for a merged box, that of the highest-ranked survivor it absorbed).
    /// Without a suppressor every raw detection is kept, unmerged.
    public func keep(
        _ raw: Detections, regions: [Int], suppressor: (any Suppressor)?, options: SuppressionOptions
    ) throws -> [KeptDetection] {
        guard regions.count == raw.count else {
            throw DetectionsError.lengthMismatch(field: "regions", expected: raw.count, actual: regions.count)
        }
        guard let suppressor else {
            return (0..<raw.count).map { KeptDetection(index: $0, score: raw.scores[$0], box: raw.boxes[$0]) }
        }
        // One suppression group key per (image, region), so that regions of different images never mix.
        var keys: [SIMD2<Int>: Int] = [:]
        var perRegion = raw
        perRegion.images = (0..<raw.count).map { i in
            let key = SIMD2(raw.images[i], regions[i])
            if let k = keys[key] { return k }
            keys[key] = keys.count
            return keys.count - 1
        }
        let survivors = try suppressor.apply(to: perRegion, options: options)
        let pooled = try Detections(
            boxes: BoxArray(survivors.map(\.box)), scores: survivors.map(\.score),
            categories: survivors.map { raw.categories[$0.index] }, images: survivors.map { raw.images[$0.index] },
            deviations: raw.deviations.map { d in survivors.map { d[$0.index] } },
            models: raw.models.map { m in survivors.map { m[$0.index] } })
        return try merger.apply(to: pooled, options: mergeOptions).map {
            KeptDetection(index: survivors[$0.index].index, score: $0.score, box: $0.box)
        }
    }
}
