/// Raw detections of tiled runs, as `detectkit compare SAMPLES_DIR --slice` compares methods on them: every
/// region's raw detections in its image's pixels, the region of each record, and the tiling that made them and
/// merges the survivors (``Pipeline/tiledResults(for:imagesIn:threads:progress:)``).
public struct TiledResults: Sendable {
    /// The raw records of every region of every image.
    public var raw: COCOResults
    /// The region of each record of ``raw`` (an index into its image's regions).
    public var regions: [Int]
    /// The tiling: how survivors of the regions are merged.
    public var tiling: Tiling

    /// Tiled results from their parts; `regions` has one entry per record of `raw`.
    public init(raw: COCOResults, regions: [Int], tiling: Tiling) {
        self.raw = raw
        self.regions = regions
        self.tiling = tiling
    }
}
