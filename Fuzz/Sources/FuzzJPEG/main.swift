// libFuzzer entry point for the JPEG decoder (libjpeg behind CCodecShims, EXIF orientation, DCT scaling) and,
// on what decodes, both encoders. Build with `-sanitize=fuzzer,address -parse-as-library` (see ../../run.sh).
// Decoding errors are expected and ignored: only crashes, sanitizer reports, leaks and broken invariants
// (`precondition`) count.
import Foundation
import FuzzDriver
import Imaging

/// A header declaring more is refused before any pixel memory is allocated, as callers should do. One megapixel
/// rather than 4096 × 4096: mutated headers declaring millions of pixels otherwise make most runs slow
/// (measured on FuzzJPEG: ~2300 runs/s against ~300–700).
let maxPixels = 1024 * 1024
/// Images up to this size are also encoded again (bigger ones would only slow the fuzzer down).
let maxEncodedPixels = 512 * 512

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    // Full size, upright.
    let full = try? Image(decoding: bytes, source: "fuzz", options: DecodeOptions(maxPixels: maxPixels))
    // DCT-scaled: asking for 1/2, 1/4 or 1/8 (picked by the input's length) of the full-size result, or for the
    // smallest scale when that failed; with the EXIF orientation applied or not (also by the length).
    let denominator = [2, 4, 8][size % 3]
    let minimum = full.map { ((($0.width + denominator - 1) / denominator), ($0.height + denominator - 1) / denominator) }
    let scaledOptions = DecodeOptions(
        maxPixels: maxPixels, appliesOrientation: size % 2 == 0, minimumSize: minimum ?? (1, 1))
    let scaled = try? Image(decoding: bytes, source: "fuzz (scaled)", options: scaledOptions)
    for image in [full, scaled].compactMap({ $0 }) {
        precondition(image.pixels.count == image.width * image.height * image.channels)
    }
    if let minimum, let scaled, scaledOptions.appliesOrientation {  // same (upright) axes as the full decode
        precondition(scaled.width >= minimum.0 && scaled.height >= minimum.1, "DCT-scaled decode smaller than asked for")
    }
    guard let image = full ?? scaled, image.width * image.height <= maxEncodedPixels else { return 0 }
    // PNG is lossless: what DetectKit writes, it must read back unchanged.
    let png = try! image.encoded(.png(level: Int(size % 10)))
    let back = try! Image(decoding: png, source: "fuzz (as PNG)", options: DecodeOptions(maxPixels: maxPixels))
    precondition(back == image, "PNG round trip changed the image")
    // JPEG is lossy: it must encode (within JPEG's 65500-pixel sides), and decode again to the same size.
    guard image.width <= 65500 && image.height <= 65500 else { return 0 }
    let jpeg = try! image.encoded(.jpeg(quality: 1 + size % 100))
    let decoded = try! Image(
        decoding: jpeg, source: "fuzz (as JPEG)", options: DecodeOptions(maxPixels: maxPixels, appliesOrientation: false))
    precondition(decoded.width == image.width && decoded.height == image.height)
    return 0
}

// The entry point SwiftPM links this program with (see FuzzDriver).
@_cdecl("FuzzJPEG_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzz)
}
