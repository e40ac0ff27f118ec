import DetectKit
import DetectKitUtilities
import Foundation
import Synchronization
import Testing

/// `Tiling` and a tiled `Pipeline`: every region runs, its boxes come back in the image's pixels, each region is
/// suppressed alone and the survivors are merged across tile borders, on any number of threads.
@Suite struct TilingTests {
    /// An RGB image whose pixel (x, y) is (x mod 256, y mod 256, x / 256 + 16 · (y / 256)): a model can read where
    /// its pixels came from.
    static func positionImage(width: Int, height: Int) throws -> Image {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let i = (y * width + x) * 3
                pixels[i] = UInt8(x % 256)
                pixels[i + 1] = UInt8(y % 256)
                pixels[i + 2] = UInt8(x / 256 + 16 * (y / 256))
            }
        }
        return try Image(width: width, height: height, channels: 3, pixels: pixels)
    }

    /// Where a region seen by a model lies in a ``positionImage(width:height:)``.
    static func origin(of region: Image) -> (x: Int, y: Int) {
        let p = region.pixels
        return (Int(p[0]) + 256 * (Int(p[2]) % 16), Int(p[1]) + 256 * (Int(p[2]) / 16))
    }

    /// What a detector that sees `objects` (image pixels) perfectly reports on a region: each object that lies at
    /// least partly in it, clipped to it, in the region's pixels, with the object's score and category.
    static func clippingModel(_ objects: [(box: Box, score: Float, category: Int)]) -> @Sendable (Image) throws -> Detections {
        { region in
            let (x0, y0) = origin(of: region)
            let x1 = Float(x0 + region.width), y1 = Float(y0 + region.height)
            var boxes = BoxArray(), scores: [Float] = [], categories: [Int] = []
            for o in objects {
                let b = Box(x1: max(o.box.x1, Float(x0)), y1: max(o.box.y1, Float(y0)), x2: min(o.box.x2, x1), y2: min(o.box.y2, y1))
                guard b.x2 > b.x1, b.y2 > b.y1 else { continue }
                boxes.append(Box(x1: b.x1 - Float(x0), y1: b.y1 - Float(y0), x2: b.x2 - Float(x0), y2: b.y2 - Float(y0)))
                scores.append(o.score)
                categories.append(o.category)
            }
            return try Detections(boxes: boxes, scores: scores, categories: categories)
        }
    }

    @Test func regionsAreTheTilesThenTheWholeImage() throws {
        let slicer = try Slicer(tileSize: 256, overlapRatio: 0.25)
        let tiles = try slicer.tiles(imageWidth: 600, imageHeight: 400)
        #expect(try Tiling(slicer: slicer).regions(imageWidth: 600, imageHeight: 400) == tiles)
        #expect(try Tiling(slicer: slicer, fullImage: true).regions(imageWidth: 600, imageHeight: 400)
            == tiles + [Slicer.Tile(x: 0, y: 0, width: 600, height: 400)])
        // One tile is the whole image already: it runs once, as SAHI runs it.
        #expect(try Tiling(slicer: slicer, fullImage: true).regions(imageWidth: 200, imageHeight: 100)
            == [Slicer.Tile(x: 0, y: 0, width: 200, height: 100)])
        #expect(throws: ImagingError.self) { try Tiling(slicer: slicer).regions(imageWidth: 0, imageHeight: 100) }
    }

    /// The model sees exactly each region's pixels, and the box it reports (the whole region) comes back shifted
    /// onto the region, with the region's index.
    @Test func eachRegionsBoxesComeBackInTheImagesPixels() throws {
        let image = try Self.positionImage(width: 700, height: 530)
        let tiling = Tiling(slicer: try Slicer(tileWidth: 300, tileHeight: 200, overlapWidthRatio: 0.2, overlapHeightRatio: 0.1), fullImage: true)
        let regions = try tiling.regions(imageWidth: 700, imageHeight: 530)
        let (raw, owners) = try tiling.detect(image, threads: 3) { region in
            let (x, y) = Self.origin(of: region)
            let expected = try #require(Self.positionImage(width: 700, height: 530).cropped(
                to: Box(x1: Float(x), y1: Float(y), x2: Float(x + region.width), y2: Float(y + region.height))))
            #expect(region.pixels == expected.pixels)
            return try Detections(
                boxes: BoxArray([Box(x1: 0, y1: 0, x2: Float(region.width), y2: Float(region.height))]), scores: [0.5],
                categories: [x + y])
        }
        #expect(owners == Array(regions.indices))
        #expect(Array(raw.boxes) == regions.map(\.box))
        #expect(raw.categories == regions.map { $0.x + $0.y })
    }

    /// An object cut by a tile border comes back whole from `greedy-nmm` on IoS (the union of its pieces), while
    /// NMS on IoU keeps its pieces as duplicates; objects of another category, or far apart, are never merged.
    @Test func mergingReassemblesObjectsCutByTileBorders() throws {
        let objects: [(box: Box, score: Float, category: Int)] = [
            (Box(x1: 180, y1: 40, x2: 260, y2: 90), 0.9, 1),  // across the border of the first two tiles (at 200..256)
            (Box(x1: 190, y1: 45, x2: 250, y2: 85), 0.6, 2),  // the same place, another category
            (Box(x1: 20, y1: 300, x2: 60, y2: 340), 0.8, 1),
        ]
        let image = try Self.positionImage(width: 500, height: 400)
        let slicer = try Slicer(tileSize: 256, overlapRatio: 0.2)
        let model = Self.clippingModel(objects)
        let merged = try Pipeline(source: .model(model), tiling: Tiling(slicer: slicer)).run(image)
        #expect(Array(merged.kept.boxes) == [0, 2, 1].map { objects[$0].box })  // by score
        #expect(merged.kept.scores == [0.9, 0.8, 0.6] && merged.kept.categories == [1, 1, 2])
        #expect(merged.raw.count > objects.count)
        let suppressed = try Pipeline(source: .model(model), tiling: Tiling(slicer: slicer, merger: GreedyNMS.nms())).run(image)
        #expect(suppressed.kept.count > objects.count)
    }

    /// Each region is suppressed alone before the merge: two overlapping boxes of one tile both survive a merge
    /// whose threshold they do not reach, but the region's NMS has already dropped the weaker.
    @Test func eachRegionIsSuppressedAloneThenMerged() throws {
        let boxes = BoxArray([Box(x1: 0, y1: 0, x2: 10, y2: 10), Box(x1: 1, y1: 0, x2: 11, y2: 10), Box(x1: 1, y1: 0, x2: 11, y2: 10)])
        let raw = try Detections(boxes: boxes, scores: [0.9, 0.8, 0.7], categories: [1, 1, 1], images: [0, 0, 1])
        let tiling = Tiling(slicer: try Slicer(tileSize: 8), merger: NonMaximumMerging(overlap: .iou, threshold: 0.9))
        // Region 0 of image 0 holds boxes 0 and 1; box 2 is region 0 of another image.
        let kept = try tiling.keep(raw, regions: [0, 0, 0], suppressor: GreedyNMS.nms(), options: .init())
        #expect(kept.map(\.index) == [0, 2])
        // Two regions: box 1 survives its own region, and the merge (IoU 0.82 < 0.9) keeps it.
        #expect(try tiling.keep(raw, regions: [0, 1, 0], suppressor: GreedyNMS.nms(), options: .init()).map(\.index) == [0, 1, 2])
        // Without a suppressor every raw detection is kept as it is.
        #expect(try tiling.keep(raw, regions: [0, 1, 0], suppressor: nil, options: .init()).map(\.index) == [0, 1, 2])
        #expect(throws: DetectionsError.self) { try tiling.keep(raw, regions: [0], suppressor: nil, options: .init()) }
    }

    /// The result is the same on one thread as on several, and several really ran at once.
    @Test func threadCountDoesNotChangeTheResult() throws {
        let image = try Self.positionImage(width: 900, height: 700)
        var rng = SplitMix64(seed: 7)
        let objects = (0..<60).map { _ -> (box: Box, score: Float, category: Int) in
            let x = Float(rng.next() % 860), y = Float(rng.next() % 660), w = Float(8 + rng.next() % 60), h = Float(8 + rng.next() % 60)
            return (Box(x1: x, y1: y, x2: x + w, y2: y + h), Float(rng.next() % 20 + 1) / 20, Int(rng.next() % 3))
        }
        let model = Self.clippingModel(objects)
        let inFlight = Mutex((now: 0, most: 0))
        let counting: @Sendable (Image) throws -> Detections = { region in
            inFlight.withLock { $0.now += 1; $0.most = max($0.most, $0.now) }
            defer { inFlight.withLock { $0.now -= 1 } }
            // Wait (briefly) for a second region to start, so that a run on several threads shows it.
            let deadline = Date().addingTimeInterval(0.05)
            while inFlight.withLock({ $0.most }) < 2, Date() < deadline { usleep(200) }
            return try model(region)
        }
        let pipeline = Pipeline(source: .model(counting), tiling: Tiling(slicer: try Slicer(tileSize: 256), fullImage: true))
        let one = try pipeline.run(image, threads: 1)
        #expect(inFlight.withLock { $0.most } == 1)
        var overlapped = false
        for _ in 0..<20 where !overlapped {
            let several = try pipeline.run(image, threads: 3)
            #expect(Array(several.raw.boxes) == Array(one.raw.boxes) && several.regionOfRaw == one.regionOfRaw)
            #expect(Array(several.kept.boxes) == Array(one.kept.boxes) && several.kept.scores == one.kept.scores)
            overlapped = inFlight.withLock { $0.most } >= 2
        }
        #expect(overlapped)
    }

    /// A region whose model throws is named; a results source cannot be tiled.
    @Test func failuresNameTheRegion() throws {
        let image = try Self.positionImage(width: 300, height: 300)
        struct Refused: Error {}
        let pipeline = Pipeline(source: .model { region in
            if Self.origin(of: region) == (44, 0) { throw Refused() }
            return try Detections(boxes: BoxArray(), scores: [])
        }, tiling: Tiling(slicer: try Slicer(tileSize: 256)))
        let failure = #expect(throws: Tiling.RegionFailure.self) { try pipeline.run(image) }
        #expect(failure?.region == Slicer.Tile(x: 44, y: 0, width: 256, height: 256))
        #expect(failure.map { "\($0)".hasPrefix("tile at (44, 0), 256×256") } == true)
        let results = try COCOResults(images: [], source: "none")
        #expect(throws: PipelineError.tilesNeedAModel) {
            try Pipeline(source: .results(results), tiling: Tiling(slicer: try Slicer(tileSize: 256))).run(image, file: "a.png")
        }
    }
}
