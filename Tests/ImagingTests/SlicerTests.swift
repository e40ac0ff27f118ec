import Foundation
import Imaging
import Testing

/// `Slicer` against SAHI's own `get_slice_bboxes` (`Fixtures/sahi/slices.json`, written by
/// training/golden_sahi.py), and its refusals.
@Suite struct SlicerTests {
    struct Case: Decodable {
        let image: [Int]
        let slice: [Int]
        let overlap: [Double]
        let tiles: [[Int]]
    }

    struct Fixture: Decodable {
        let peer: String
        let cases: [Case]
    }

    @Test func tilesEqualSAHI() throws {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/sahi/slices", withExtension: "json"))
        let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
        #expect(fixture.cases.count > 100, "\(fixture.peer)")
        for c in fixture.cases {
            let slicer = try Slicer(
                tileWidth: c.slice[0], tileHeight: c.slice[1], overlapWidthRatio: c.overlap[0], overlapHeightRatio: c.overlap[1])
            let tiles = try slicer.tiles(imageWidth: c.image[0], imageHeight: c.image[1])
            let asSAHI = tiles.map { [$0.x, $0.y, $0.x + $0.width, $0.y + $0.height] }
            #expect(asSAHI == c.tiles, "image \(c.image), slice \(c.slice), overlap \(c.overlap)")
        }
    }

    @Test func everyPixelIsInATileAndTilesStayInside() throws {
        for (w, h, side, ratio) in [(1, 1, 1, 0.0), (37, 5, 8, 0.5), (1000, 300, 256, 0.2), (64, 64, 640, 0.9)] {
            let tiles = try Slicer(tileSize: side, overlapRatio: ratio).tiles(imageWidth: w, imageHeight: h)
            var covered = [Bool](repeating: false, count: w * h)
            for t in tiles {
                #expect(t.x >= 0 && t.y >= 0 && t.x + t.width <= w && t.y + t.height <= h && t.width == min(side, w) && t.height == min(side, h))
                for y in t.y..<(t.y + t.height) { for x in t.x..<(t.x + t.width) { covered[y * w + x] = true } }
            }
            #expect(covered.allSatisfy { $0 }, "\(w)×\(h), tile \(side), overlap \(ratio)")
        }
    }

    @Test func badSizesAndRatiosAreNamedErrors() throws {
        for (side, ratio) in [(0, 0.2), (-3, 0.2), (64, 1.0), (64, -0.1), (64, .nan), (64, .infinity)] {
            #expect(throws: ImagingError.self, "tile \(side), overlap \(ratio)") { try Slicer(tileSize: side, overlapRatio: ratio) }
        }
        let slicer = try Slicer(tileSize: 64)
        #expect(throws: ImagingError.invalidSlicing("image size 0×10 has no pixels")) { try slicer.tiles(imageWidth: 0, imageHeight: 10) }
        // A tile side far too small for the image is refused before any tile is listed, even on a huge axis.
        #expect(try Slicer(tileSize: 20, overlapRatio: 0).tiles(imageWidth: 2000, imageHeight: 2000).count == 10_000)
        #expect(throws: ImagingError.self) { try Slicer(tileSize: 20, overlapRatio: 0).tiles(imageWidth: 2001, imageHeight: 2000) }
        #expect(throws: ImagingError.self) { try Slicer(tileSize: 1, overlapRatio: 0.5).tiles(imageWidth: Int(Int32.max), imageHeight: 1) }
        // A tile side near Int.max is one tile, not an overflow.
        #expect(try Slicer(tileSize: .max).tiles(imageWidth: 5, imageHeight: 3) == [Slicer.Tile(x: 0, y: 0, width: 5, height: 3)])
    }
}
