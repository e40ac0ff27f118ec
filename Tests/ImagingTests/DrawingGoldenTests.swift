import Boxes
import Foundation
import Imaging
import Testing

/// Drawing against committed golden images (`Fixtures/drawing/*.png`), on dark and bright backgrounds, with
/// labels at every edge, for RGB, gray and RGBA inputs. After a deliberate change to the drawing, regenerate them
/// with `DETECTKIT_UPDATE_GOLDEN=1 swift test -c release --filter DrawingGoldenTests` and look at them.
@Suite struct DrawingGoldenTests {
    /// Left half dark, right half bright, a vertical gradient in green.
    static func scene(channels: Int) throws -> Image {
        let w = 240, h = 160
        var px: [UInt8] = []
        for y in 0..<h {
            for x in 0..<w {
                let v: UInt8 = x < w / 2 ? 20 : 235
                px += [v, UInt8(min(255, Int(v) / 2 + y)), v]
            }
        }
        return try Image(width: w, height: h, channels: 3, pixels: px).converted(toChannels: channels)
    }

    static let annotations = [
        Annotation(box: Box(x1: 15, y1: 25, x2: 100, y2: 90), label: "person 0.93", colorIndex: 0),
        Annotation(box: Box(x1: 130, y1: 30, x2: 235, y2: 100), label: "car 0.71", colorIndex: 5),
        Annotation(box: Box(x1: 0, y1: 0, x2: 50, y2: 30), label: "top-left 0.50", colorIndex: 9),
        Annotation(box: Box(x1: 200, y1: 125, x2: 240, y2: 160), label: "bottom-right 0.42", colorIndex: 13),
        Annotation(box: Box(x1: 75, y1: 100, x2: 165, y2: 150), label: "yellow 0.88", colorIndex: 3),
        Annotation(box: Box(x1: 300, y1: 300, x2: 400, y2: 400), label: "outside", colorIndex: 1),
    ]

    @Test(arguments: [1, 3, 4])
    func matchesGolden(channels: Int) throws {
        let drawn = try Self.scene(channels: channels).drawing(Self.annotations)
        #expect(drawn.channels == (channels == 1 ? 3 : channels))
        let name = "drawing/scene-\(channels).png"
        if ProcessInfo.processInfo.environment["DETECTKIT_UPDATE_GOLDEN"] != nil {
            let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/" + name)
            try drawn.write(toFile: source.path)
        }
        let url = try #require(Bundle.module.url(forResource: "Fixtures/" + name, withExtension: nil))
        let golden = try Image(contentsOfFile: url.path)
        #expect(drawn == golden)
    }

    @Test func lineWidthScalesWithTheImage() throws {
        func leftEdgeWidth(side: Int, box: Box, row: Int) throws -> Int {
            let image = try Image(width: side * 4 / 3, height: side, fill: [0, 0, 0])
                .drawing([Annotation(box: box, label: "", colorIndex: 0)])
            var n = 0
            while image[x: Int(box.x1) + n, y: row].first != 0 { n += 1 }
            return n
        }
        #expect(try leftEdgeWidth(side: 48, box: Box(x1: 5, y1: 5, x2: 40, y2: 40), row: 20) == 2)  // max(2, 0)
        #expect(try leftEdgeWidth(side: 960, box: Box(x1: 100, y1: 200, x2: 600, y2: 700), row: 500) == 3)  // 960 / 320
        #expect(try leftEdgeWidth(side: 2160, box: Box(x1: 100, y1: 200, x2: 900, y2: 900), row: 500) == 7)  // 6.75
    }
}
