import DetectKitTestSupport
import DetectKitUtilities
import Foundation
import Imaging
import Testing

@Suite struct CodecRoundTripTests {
    static func noise(width: Int, height: Int, channels: Int, seed: UInt64) throws -> Image {
        var rng = SplitMix64(seed: seed)
        return try Image(
            width: width, height: height, channels: channels,
            pixels: (0..<(width * height * channels)).map { _ in UInt8.random(in: 0...255, using: &rng) })
    }

    @Test(arguments: [1, 2, 3, 4])
    func pngIsLossless(channels: Int) throws {
        for (w, h) in [(1, 1), (13, 11), (64, 3)] {
            let image = try Self.noise(width: w, height: h, channels: channels, seed: UInt64(w * 7 + channels))
            for level in [0, 6, 9] {
                let data = try image.encoded(.png(level: level))
                #expect(ImageFormat(sniffing: data) == .png)
                #expect(try Image(decoding: data) == image)
            }
        }
    }

    @Test func jpegRoundTripIsClose() throws {
        // A smooth image survives JPEG at quality 95 within a few levels.
        let w = 48, h = 32
        var pixels: [UInt8] = []
        for y in 0..<h {
            for x in 0..<w { pixels += [UInt8(x * 5), UInt8(y * 7), UInt8((x + y) * 3)] }
        }
        let image = try Image(width: w, height: h, channels: 3, pixels: pixels)
        let decoded = try Image(decoding: image.encoded(.jpeg(quality: 95)))
        #expect(decoded.width == w && decoded.height == h && decoded.channels == 3)
        let worst = zip(decoded.pixels, image.pixels).map { abs(Int($0) - Int($1)) }.max() ?? 0
        #expect(worst <= 12)
        // Alpha is dropped, gray stays gray.
        #expect(try Image(decoding: Self.noise(width: 8, height: 8, channels: 4, seed: 1).encoded(.jpeg())).channels == 3)
        #expect(try Image(decoding: Self.noise(width: 8, height: 8, channels: 2, seed: 1).encoded(.jpeg())).channels == 1)
    }

    @Test func writesAtomically() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dk-img-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("out.png").path
        let image = try Self.noise(width: 5, height: 4, channels: 3, seed: 9)
        try image.write(toFile: path)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["out.png"])
        #expect(try Image(contentsOfFile: path) == image)
        #expect(throws: ImagingError.self) { try image.write(toFile: dir.appendingPathComponent("no/such/dir.png").path) }
    }

    @Test func invalidImagesAreRejected() {
        #expect(throws: ImagingError.self) { try Image(width: 2, height: 2, channels: 5, pixels: []) }
        #expect(throws: ImagingError.self) { try Image(width: 2, height: 2, channels: 3, pixels: [1, 2, 3]) }
        #expect(throws: ImagingError.self) { try Image(width: 0, height: 2, channels: 1, pixels: []) }
    }
}
