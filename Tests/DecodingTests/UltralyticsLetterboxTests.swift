import Decoding
import Foundation
import Imaging
import Testing

/// `Letterbox` with Ultralytics' geometry prepares the input of an exported YOLO model as Ultralytics' predictor
/// does: on the images of the yolov8 fixtures, the pixels equal the predictor's own letterboxed input
/// (`letterboxed.png`, written by `training/golden_decoders.py`) to ±1 level, and the padding is the one
/// `LetterboxMapping` inverts.
@Suite struct UltralyticsLetterboxTests {
    static let folder = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/yolov8")

    @Test(arguments: ["downscale-default", "upscale-agnostic", "rect-classes"])
    func pixelsEqualUltralytics(name: String) throws {
        let dir = Self.folder.appendingPathComponent(name)
        let image = try Image(contentsOfFile: dir.appendingPathComponent("image.png").path)
        let expected = try Image(contentsOfFile: dir.appendingPathComponent("letterboxed.png").path)
        let box = try Letterbox(
            sourceWidth: image.width, sourceHeight: image.height, targetWidth: expected.width, targetHeight: expected.height,
            geometry: .ultralytics)
        let got = try box.apply(to: image, fill: 114)
        #expect(got.width == expected.width && got.height == expected.height && got.channels == expected.channels)
        let worst = zip(got.pixels, expected.pixels).map { abs(Int($0) - Int($1)) }.max() ?? 0
        #expect(worst <= 1, "\(name): largest difference \(worst) levels")
        let mapping = try LetterboxMapping(
            imageWidth: image.width, imageHeight: image.height, inputWidth: expected.width, inputHeight: expected.height)
        #expect(Double(box.padX) == mapping.padX && Double(box.padY) == mapping.padY)
        #expect(Double(box.scaledWidth) / Double(image.width) == mapping.gainX)
    }
}
