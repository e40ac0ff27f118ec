import DetectKit
import Foundation
import Testing

/// The report's grids shrink each image to a tile and its boxes with it, oriented ones too.
@Suite struct ComparisonGridTests {
    /// A 720×400 white image shrunk to a 360-wide tile: an oriented box drawn there sits at half its coordinates
    /// (found by where the tile's pixels turned from white), exactly where drawing the halved box on the tile puts it.
    @Test func orientedBoxesShrinkWithTheImage() throws {
        let image = try Image(width: 720, height: 400, channels: 3, pixels: [UInt8](repeating: 255, count: 720 * 400 * 3))
        let box = RotatedBox(cx: 400, cy: 200, width: 200, height: 60, angle: 0.6)
        let grid = try ComparisonGrid.render(
            image, panels: [.init(caption: "", annotations: [Annotation(rotated: box, label: "", colorIndex: 1)])], tileWidth: 360)
        let half = RotatedBox(cx: 200, cy: 100, width: 100, height: 30, angle: 0.6)
        let alone = try image.resized(width: 360, height: 200, filter: .area)
            .drawing([Annotation(rotated: half, label: "", colorIndex: 1)], style: DrawingStyle(lineWidth: 2, textHeight: 11))
        // The tile sits inside the grid (margins, a caption band): compare the drawn pixels after aligning the
        // first drawn pixel of each.
        func painted(_ img: Image) -> [SIMD2<Int>] {
            (0..<img.height).flatMap { y in
                (0..<img.width).compactMap { x -> SIMD2<Int>? in
                    let o = (y * img.width + x) * img.channels
                    let rgb = img.pixels[o..<(o + 3)]
                    // Drawn: coloured, not the white image nor the grid's own background or caption ink.
                    return Set(rgb).count > 1 ? SIMD2(x, y) : nil
                }
            }
        }
        let expected = painted(alone), got = painted(grid)
        #expect(!expected.isEmpty)
        let shift = (got.first ?? .zero) &- (expected.first ?? .zero)
        #expect(got.map { $0 &- shift } == expected)
    }
}
