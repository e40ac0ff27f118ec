import Boxes
import CLIP
import Foundation
import Imaging
import NeuralCore
import Testing

/// CLIP preprocessing against `transformers`' `CLIPImageProcessor` (`Fixtures/preprocess.safetensors`, made by
/// `training/golden_clip.py`): shorter side to 32 (bicubic), centre crop 32×32, CLIP mean and std.
@Suite struct PreprocessingTests {
    @Test func pixelValuesEqualCLIPImageProcessor() throws {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/preprocess", withExtension: "safetensors"))
        let file = try SafeTensors(contentsOf: url.path)
        let preprocess = CLIPImagePreprocessor(size: 32)
        for i in 0..<4 {
            let raw = try file.tensor("image_\(i)")
            let image = try Image(width: raw.shape[1], height: raw.shape[0], channels: 3, pixels: raw.scalars.map { UInt8($0) })
            let ours = try preprocess([image]).scalars, theirs = try file.tensor("pixel_values_\(i)").scalars
            let worst = zip(ours, theirs).map { abs($0 - $1) }.max() ?? .infinity
            #expect(ours.count == theirs.count && worst < 1e-5, "image \(i) \(image.width)x\(image.height): off by \(worst)")
        }
    }

    @Test func grayAndAlphaBecomeRGB() throws {
        let gray = try Image(width: 40, height: 32, fill: [128])
        let rgba = try Image(width: 40, height: 32, fill: [128, 128, 128, 7])
        let p = CLIPImagePreprocessor(size: 32)
        #expect(try p([gray]) == (try p([rgba])))
        #expect(try p([gray, rgba]).shape == [2, 3, 32, 32])
    }

    /// The centre crop is computed alone, and equals resizing everything and cropping; an image one pixel wider
    /// than square (33 × 32 to 32) used to come back 33 wide, read as 32 × 32 with every row shifted.
    @Test func centreCropEqualsResizingEverythingThenCropping() throws {
        let p = CLIPImagePreprocessor(size: 32)
        for (w, h) in [(33, 32), (32, 33), (100, 7), (7, 100), (3000, 3), (64, 64), (31, 17)] {
            var pixels: [UInt8] = []
            for y in 0..<h { for x in 0..<w { pixels += [UInt8((x * 7 + y) % 256), UInt8((y * 13) % 256), UInt8((x ^ y) % 256)] } }
            let image = try Image(width: w, height: h, channels: 3, pixels: pixels)
            let (rw, rh) = w <= h ? (32, max(32, 32 * h / w)) : (max(32, 32 * w / h), 32)
            let left = Float((rw - 32) / 2), top = Float((rh - 32) / 2)
            let expected = try image.resized(width: rw, height: rh, filter: .bicubic)
                .cropped(to: Box(x1: left, y1: top, x2: left + 32, y2: top + 32))
            #expect(try p.resizedAndCropped(image) == expected, "\(w)x\(h)")
        }
    }

    /// The crop of a thin box (here 400,000 × 1) is as cheap as a square one: resizing all of it first would make
    /// a 25.6M × 64 image (4.9 GB) before cropping.
    @Test func thinImagesCostNoMoreThanTheirCrop() throws {
        let thin = try Image(width: 400_000, height: 1, fill: [10, 200, 30])
        let crop = try CLIPImagePreprocessor(size: 64).resizedAndCropped(thin)
        #expect(crop.width == 64 && crop.height == 64 && Set(crop.pixels) == [10, 200, 30])
    }
}
