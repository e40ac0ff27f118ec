import Boxes
import DetectKitTestSupport
import DetectKitUtilities
import Foundation
import Imaging
import Testing

@Suite struct ResizeAndLetterboxTests {
    @Test(arguments: ResizeFilter.allCases)
    func constantImagesStayConstant(filter: ResizeFilter) throws {
        let image = try Image(width: 37, height: 23, fill: [10, 200, 77])
        for (w, h) in [(11, 7), (37, 23), (80, 50), (1, 1)] {
            let r = try image.resized(width: w, height: h, filter: filter)
            #expect(r.width == w && r.height == h)
            #expect(Set(stride(from: 0, to: r.pixels.count, by: 3).map { r.pixels[$0] }) == [10])
        }
    }

    @Test func areaShrinkByAnIntegerFactorIsTheBlockMean() throws {
        var rng = SplitMix64(seed: 3)
        let image = try Image(width: 8, height: 6, channels: 1, pixels: (0..<48).map { _ in UInt8.random(in: 0...255, using: &rng) })
        let r = try image.resized(width: 4, height: 3, filter: .area)
        for y in 0..<3 {
            for x in 0..<4 {
                var sum = 0
                for (dx, dy) in [(0, 0), (1, 0), (0, 1), (1, 1)] { sum += Int(image.pixels[(2 * y + dy) * 8 + 2 * x + dx]) }
                let mean = Double(sum) / 4
                #expect(abs(Double(r[x: x, y: y].first!) - mean) <= 0.5)
            }
        }
    }

    @Test func bilinearUpscaleOfTwoPixels() throws {
        // Half-pixel centres: 2 → 4 samples input at −0.25, 0.25, 0.75, 1.25 → 0, 25, 75, 100 (clamped ends).
        let image = try Image(width: 2, height: 1, channels: 1, pixels: [0, 100])
        #expect(try image.resized(width: 4, height: 1).pixels == [0, 25, 75, 100])
    }

    @Test func letterboxGeometryAndRoundTrip() throws {
        let lb = try Letterbox(sourceWidth: 640, sourceHeight: 480, targetWidth: 512, targetHeight: 512)
        #expect(lb.scaledWidth == 512 && lb.scaledHeight == 384 && lb.padX == 0 && lb.padY == 64)
        let box = Box(x1: 100, y1: 50, x2: 300, y2: 470)
        let back = lb.toSource(lb.toTarget(box))
        #expect(abs(back.x1 - box.x1) < 1e-3 && abs(back.y2 - box.y2) < 1e-3)
        // Boxes reaching into the padding are clipped to the source image.
        #expect(lb.toSource(Box(x1: -5, y1: 0, x2: 600, y2: 600)) == Box(x1: 0, y1: 0, x2: 640, y2: 480))
        let tall = try Letterbox(sourceWidth: 300, sourceHeight: 1000, targetWidth: 416, targetHeight: 416)
        #expect(tall.scaledHeight == 416 && tall.scaledWidth == 125 && tall.padX == 145)
    }

    @Test func letterboxedImageHasGrayBarsAndOpaqueAlpha() throws {
        let image = try Image(width: 4, height: 2, fill: [255, 0, 0, 128])
        let lb = try Letterbox(sourceWidth: 4, sourceHeight: 2, targetWidth: 8, targetHeight: 8)
        let out = try lb.apply(to: image)
        #expect(out.width == 8 && out.height == 8)
        #expect(Array(out[x: 0, y: 0]) == [114, 114, 114, 255])
        #expect(Array(out[x: 3, y: 4]) == [255, 0, 0, 128])
        #expect(throws: ImagingError.self) { try lb.apply(to: Image(width: 5, height: 2, fill: [0])) }
    }
}

/// Resizing against OpenCV's `cv2.resize` and Pillow's `Image.resize` (`Fixtures/resize`, made by
/// `training/golden_resize.py`): within one level of OpenCV for bilinear and area, identical to Pillow for bicubic.
@Suite struct OpenCVResizeTests {
    struct Manifest: Decodable {
        struct Source: Decodable { var file: String; var width: Int; var height: Int; var channels: Int }
        struct Case: Decodable { var filter: String; var width: Int; var height: Int; var expected: String }
        var source: Source
        var cases: [Case]
    }

    @Test func withinOneLevelOfOpenCVAndEqualToPillow() throws {
        let folder = try #require(Bundle.module.url(forResource: "Fixtures/resize", withExtension: nil))
        let m = try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: folder.appendingPathComponent("manifest.json")))
        let source = try Image(
            width: m.source.width, height: m.source.height, channels: m.source.channels,
            pixels: [UInt8](Data(contentsOf: folder.appendingPathComponent(m.source.file))))
        #expect(m.cases.count >= 9)
        for c in m.cases {
            let filter = try #require(ResizeFilter(rawValue: c.filter))
            let out = try source.resized(width: c.width, height: c.height, filter: filter)
            let expected = try [UInt8](Data(contentsOf: folder.appendingPathComponent(c.expected)))
            let worst = zip(out.pixels, expected).map { abs(Int($0) - Int($1)) }.max() ?? 0
            let allowed = filter == .bicubic ? 0 : 1
            #expect(out.pixels.count == expected.count && worst <= allowed, "\(c.filter) \(c.width)x\(c.height): off by \(worst)")
        }
    }
}
