import Boxes
import Foundation
import Imaging
import Testing

/// Boxes, labels and sizes far beyond an image: drawing, cropping and grids clamp them instead of trapping (a
/// COCO record with `"bbox": [0, 0, 1e30, 10]` once stopped a whole `detectkit annotate` batch with "Float value
/// cannot be converted to Int").
@Suite struct ExtremeGeometryTests {
    static let extremes: [Float] = [1e30, -1e30, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 1e-45, -1e-45, 0]

    @Test func drawingClampsFarCoordinatesToJustOutsideTheImage() throws {
        let image = try Image(width: 120, height: 90, fill: [30, 60, 90])
        func drawn(_ box: Box, _ label: String = "far 0.90") -> Image {
            image.drawing([Annotation(box: box, label: label, colorIndex: 1)])
        }
        // A box reaching 1e30 to the right draws as one reaching just past the right edge.
        #expect(drawn(Box(x1: 10, y1: 20, x2: 1e30, y2: 60)) == drawn(Box(x1: 10, y1: 20, x2: 200, y2: 60)))
        #expect(drawn(Box(x1: -1e30, y1: 20, x2: 50, y2: 60)) == drawn(Box(x1: -50, y1: 20, x2: 50, y2: 60)))
        let max = Float.greatestFiniteMagnitude
        #expect(drawn(Box(x1: -max, y1: -max, x2: max, y2: max)) == drawn(Box(x1: -50, y1: -50, x2: 200, y2: 200)))
        // Every combination of extremes draws (or skips) without trapping.
        for a in Self.extremes {
            for b in Self.extremes {
                _ = drawn(Box(x1: Swift.min(a, b), y1: Swift.min(a, b), x2: Swift.max(a, b), y2: Swift.max(a, b)))
                _ = drawn(Box(x1: Swift.min(a, 5), y1: 5, x2: Swift.max(b, 5), y2: 50))
            }
        }
    }

    @Test func absurdStylesAndLongLabelsStayBounded() throws {
        let image = try Image(width: 120, height: 90, fill: [200, 200, 200])
        let box = Box(x1: 10, y1: 30, x2: 80, y2: 70)
        // Only what can show of a label is rendered: a 40-character label already wider than the image draws the
        // same pixels as the same label followed by 100,000 more characters.
        let wide = String(repeating: "M", count: 40)
        let long = wide + String(repeating: "W", count: 100_000)
        #expect(image.drawing([Annotation(box: box, label: wide, colorIndex: 3)])
            == image.drawing([Annotation(box: box, label: long, colorIndex: 3)]))
        // Line widths and text heights far beyond the image are clamped, not multiplied into overflow.
        for size in [Int.max, Int.max / 2, 1 << 40, -5] {
            let drawn = image.drawing([Annotation(box: box, label: "x", colorIndex: 0)], style: DrawingStyle(lineWidth: size, textHeight: size))
            #expect(drawn.width == 120 && drawn.height == 90)
        }
    }

    @Test func croppingClampsToTheImageAndSkipsBoxesOutsideIt() throws {
        var pixels: [UInt8] = []
        for y in 0..<6 { for x in 0..<8 { pixels.append(UInt8(y * 8 + x)) } }
        let image = try Image(width: 8, height: 6, channels: 1, pixels: pixels)
        let max = Float.greatestFiniteMagnitude
        #expect(image.cropped(to: Box(x1: -max, y1: -1e38, x2: max, y2: 1e38)) == image)
        #expect(image.cropped(to: Box(x1: 2, y1: 3, x2: 1e30, y2: 1e30)) == image.cropped(to: Box(x1: 2, y1: 3, x2: 8, y2: 6)))
        #expect(image.cropped(to: Box(x1: 1e30, y1: 0, x2: max, y2: 5)) == nil)
        #expect(image.cropped(to: Box(x1: -max, y1: 0, x2: -1e30, y2: 5)) == nil)
        #expect(image.cropped(to: Box(x1: 1e-45, y1: 1e-45, x2: 1e-45, y2: 1e-45))?.width == 1)
    }

    /// Sizes whose products overflow are errors, not traps in the size arithmetic.
    @Test func sizesBeyondWhatCanBeAddressedAreErrors() throws {
        let image = try Image(width: 4, height: 3, fill: [1, 2, 3])
        for (w, h) in [(Int.max, 2), (1 << 40, 1), (1 << 20, 1 << 20), (0, 5)] {
            #expect(throws: ImagingError.self, "\(w)x\(h)") { try image.resized(width: w, height: h) }
            #expect(throws: ImagingError.self, "\(w)x\(h)") { try Letterbox(sourceWidth: 4, sourceHeight: 3, targetWidth: w, targetHeight: h) }
            #expect(throws: ImagingError.self, "\(w)x\(h)") { try Image(width: w, height: h, fill: [0]) }
        }
    }

    @Test func gridsTooLargeToComposeAreNamedErrors() throws {
        let tile = ImageGrid.Tile(image: try Image(width: 4, height: 3, fill: [0, 0, 0]), caption: "a")
        for grid in [ImageGrid(columns: 1, spacing: Int.max), ImageGrid(columns: 2, captionHeight: Int.max)] {
            let error = #expect(throws: ImagingError.self) { try grid.composed([tile, tile]) }
            #expect("\(error.map { "\($0)" } ?? "")".hasPrefix("image grid: "))
        }
        // A caption far longer than the cell is cut to what shows.
        let long = ImageGrid.Tile(image: tile.image, caption: String(repeating: "caption ", count: 100_000))
        #expect(try ImageGrid(columns: 1).composed([long]).width == 8 + 4 + 8)
    }
}
