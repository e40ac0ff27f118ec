import Imaging
import NeuralCore

/// CLIP's image preprocessing, as `transformers`' `CLIPImageProcessor` (and open_clip) do it: convert to RGB
/// (gray replicated, alpha dropped), resize so the shorter side is `size` (bicubic, Pillow's, bit for bit; the
/// longer side `⌊size · long / short⌋`), crop the centre `size × size` (offsets `⌊(h − size) / 2⌋`,
/// `⌊(w − size) / 2⌋`), scale to [0, 1] and normalise each channel with CLIP's mean and standard deviation.
/// An image already `size × size` is only scaled and normalised.
public struct CLIPImagePreprocessor: Sendable {
    /// Output side in pixels (the model's `image_size`).
    public var size: Int
    /// Per-channel mean (OpenAI CLIP's by default).
    public var mean: [Double] = [0.48145466, 0.4578275, 0.40821073]
    /// Per-channel standard deviation (OpenAI CLIP's by default).
    public var standardDeviation: [Double] = [0.26862954, 0.26130258, 0.27577711]

    /// A preprocessor for `size × size` inputs.
    public init(size: Int) {
        self.size = size
    }

    /// The image cropped and resized as above, still 8-bit RGB, `size × size`. Only the centre crop is computed
    /// (the same pixels as resizing the whole image and cropping), so a very wide or tall image, such as the crop
    /// of a thin box, costs no more than a square one.
    public func resizedAndCropped(_ image: Image) throws -> Image {
        guard size > 0 else { throw ModelError.input("image size \(size) must be positive") }
        let rgb = image.channels == 3 ? image : try image.droppingAlpha().converted(toChannels: 3)
        let short = min(rgb.width, rgb.height), long = max(rgb.width, rgb.height)
        // In Double and clamped first: size · long / short can pass Int's range for a thin enough image.
        let newLong = Int(min(max(Double(size), (Double(size) * Double(long) / Double(short)).rounded(.towardZero)), 1e15))
        let (w, h) = rgb.width <= rgb.height ? (size, newLong) : (newLong, size)
        let top = (h - size) / 2, left = (w - size) / 2
        return PillowResample.resampled(rgb, width: w, height: h, columns: left..<(left + size), rows: top..<(top + size))
    }

    /// Pixel values `[N, 3, size, size]` for a batch of images.
    public func callAsFunction(_ images: [Image]) throws -> Tensor {
        let count = try Tensor.elementCount([images.count, 3, size, size]), plane = size * size
        var values = [Float](repeating: 0, count: count)
        for (n, image) in images.enumerated() {
            let rgb = try resizedAndCropped(image)
            for c in 0..<3 {
                let scale = 1 / standardDeviation[c], base = (n * 3 + c) * plane
                for i in 0..<plane {
                    values[base + i] = Float((Double(Float(Double(rgb.pixels[i * 3 + c]) / 255)) - mean[c]) * scale)
                }
            }
        }
        return try Tensor(shape: [images.count, 3, size, size], scalars: values)
    }
}
