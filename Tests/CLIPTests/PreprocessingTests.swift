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
}
