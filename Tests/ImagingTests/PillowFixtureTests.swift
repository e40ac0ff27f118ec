import Foundation
import Imaging
import Testing

/// Every PNG and JPEG variant against the pixels Pillow (and the system libraries) decode, fixed into
/// `Fixtures/` by `training/golden_imaging.py`.
@Suite struct PillowFixtureTests {
    struct Manifest: Decodable {
        var images: [Entry]
        var bad: [Bad]
    }

    struct Entry: Decodable, CustomTestStringConvertible, Sendable {
        var file: String
        var width: Int
        var height: Int
        var channels: Int
        var expected: String
        var testDescription: String { file }
    }

    struct Bad: Decodable, CustomTestStringConvertible, Sendable {
        var file: String
        var error: String
        var testDescription: String { "\(file) (\(error))" }
    }

    static let folder = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!
    static let manifest: Manifest = {
        let data = (try? Data(contentsOf: folder.appendingPathComponent("manifest.json"))) ?? Data()
        return (try? JSONDecoder().decode(Manifest.self, from: data)) ?? Manifest(images: [], bad: [])
    }()

    @Test func manifestCoversEveryCase() {
        #expect(Self.manifest.images.count >= 70)
        #expect(Self.manifest.bad.count >= 10)
    }

    @Test(arguments: manifest.images)
    func decodesLikePillow(entry: Entry) throws {
        let path = Self.folder.appendingPathComponent(entry.file).path
        let image = try Image(contentsOfFile: path)
        #expect(image.width == entry.width && image.height == entry.height && image.channels == entry.channels)
        let expected = try [UInt8](Data(contentsOf: Self.folder.appendingPathComponent(entry.expected)))
        #expect(image.pixels.count == expected.count)
        let differing = zip(image.pixels, expected).filter { $0 != $1 }.count
        #expect(differing == 0, "\(entry.file): \(differing) of \(expected.count) samples differ")
    }

    @Test(arguments: manifest.bad)
    func badFilesAreTypedErrorsNamingTheFile(bad: Bad) throws {
        let path = Self.folder.appendingPathComponent(bad.file).path
        do {
            _ = try Image(contentsOfFile: path, options: DecodeOptions(maxPixels: 1 << 26))
            Issue.record("\(bad.file) decoded")
        } catch let error as ImagingError {
            #expect(error.description.hasPrefix(path + ": "), "\(error)")
            switch (bad.error, error) {
            case ("too-large", .tooLarge), ("empty", .unsupportedFormat), ("unrecognized", .unsupportedFormat):
                break
            case (_, .corrupt):
                #expect(!["too-large", "empty", "unrecognized"].contains(bad.error), "\(error)")
            default:
                Issue.record("\(bad.file): unexpected \(error)")
            }
        }
    }

    /// The header check happens before any pixel memory: a 100000×100000 PNG is refused at once.
    @Test func pixelBudgetIsConfigurable() throws {
        let path = Self.folder.appendingPathComponent("png/rgb8.png").path
        #expect(throws: ImagingError.self) { try Image(contentsOfFile: path, options: DecodeOptions(maxPixels: 10)) }
        #expect(try Image(contentsOfFile: path, options: DecodeOptions(maxPixels: 1 << 20)).channels == 3)
    }

    /// Orientation can be left as stored.
    @Test func orientationCanBeIgnored() throws {
        let path = Self.folder.appendingPathComponent("jpeg/exif_orientation6.jpg").path
        let upright = try Image(contentsOfFile: path)
        let stored = try Image(contentsOfFile: path, options: DecodeOptions(appliesOrientation: false))
        #expect(upright.width == stored.height && upright.height == stored.width)
        #expect(stored.oriented(.right) == upright)
    }

    /// DCT scaling picks the smallest scale still at least the wanted size, and stays close to a full decode
    /// followed by an area resize.
    @Test func dctScaledDecode() throws {
        let path = Self.folder.appendingPathComponent("jpeg/rgb_444.jpg").path
        let full = try Image(contentsOfFile: path)
        let half = try Image(contentsOfFile: path, options: DecodeOptions(minimumSize: (full.width / 2, full.height / 2)))
        #expect(half.width == (full.width + 1) / 2 && half.height == (full.height + 1) / 2)
        let eighth = try Image(contentsOfFile: path, options: DecodeOptions(minimumSize: (1, 1)))
        #expect(eighth.width == (full.width + 7) / 8)
        let same = try Image(contentsOfFile: path, options: DecodeOptions(minimumSize: (full.width, full.height)))
        #expect(same == full)
        let reference = try full.resized(width: half.width, height: half.height, filter: .area)
        let mean = zip(half.pixels, reference.pixels).map { abs(Double($0) - Double($1)) }.reduce(0, +) / Double(half.pixels.count)
        #expect(mean < 6)
    }
}

@Suite struct EXIFOrientationTests {
    @Test func readsFromSlicesAndRejectsGarbage() throws {
        let url = PillowFixtureTests.folder.appendingPathComponent("jpeg/exif_orientation6.jpg")
        let bytes = try [UInt8](Data(contentsOf: url))
        #expect(EXIFOrientation(jpeg: bytes) == .right)
        let padded = [0, 1, 2] + bytes
        #expect(EXIFOrientation(jpeg: padded[3...]) == .right)
        #expect(EXIFOrientation(jpeg: [0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF]) == nil)  // length past the end
        #expect(EXIFOrientation(jpeg: [0xFF, 0xD8]) == nil)
        // A big-endian header reads the same.
        let big = try [UInt8](Data(contentsOf: PillowFixtureTests.folder.appendingPathComponent("jpeg/exif_orientation6_motorola.jpg")))
        #expect(EXIFOrientation(jpeg: big) == .right)
    }
}
