/// An 8-bit image with 1–4 interleaved channels, rows top to bottom.
///
/// Channels mean: 1 gray, 2 gray + alpha, 3 RGB, 4 RGBA (alpha not premultiplied). This is what the decoders
/// produce (`Image/init(decoding:options:)`) and what the drawing and resizing functions work on.
public struct Image: Sendable, Equatable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// Channels per pixel, 1–4.
    public let channels: Int
    /// `width × height × channels` bytes, row by row.
    public internal(set) var pixels: [UInt8]

    /// An image from its pixels; throws when the sizes do not agree or `channels` is not 1–4.
    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) throws {
        guard (1...4).contains(channels) else { throw ImagingError.invalidImage("\(channels) channels (expected 1–4)") }
        guard width > 0, height > 0 else { throw ImagingError.invalidImage("size \(width)×\(height)") }
        let (count, overflow) = width.multipliedReportingOverflow(by: height * channels)
        guard !overflow, pixels.count == count else {
            throw ImagingError.invalidImage("\(pixels.count) bytes for \(width)×\(height)×\(channels)")
        }
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    /// The longest side of an image that resizing or letterboxing will make: far beyond any image decoded within
    /// the default budget (16384 × 16384), and small enough that no resampling index overflows.
    public static let largestSide = 1 << 28

    /// The most pixels of an image that filling, resizing or letterboxing will make (with ``largestSide``, what keeps
    /// their size arithmetic from overflowing).
    public static let largestPixelCount = 1 << 31

    /// A `width × height` image filled with one colour (its count of components sets the channels), of at most
    /// ``largestPixelCount`` pixels.
    public init(width: Int, height: Int, fill: [UInt8]) throws {
        let (area, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, area <= Self.largestPixelCount else {
            throw ImagingError.invalidImage("size \(width)×\(height) (at most \(Self.largestPixelCount) pixels)")
        }
        var pixels: [UInt8] = []
        if (1...4).contains(fill.count), width > 0, height > 0 {
            pixels.reserveCapacity(area * fill.count)
            for _ in 0..<(width * height) { pixels.append(contentsOf: fill) }
        }
        try self.init(width: width, height: height, channels: fill.count, pixels: pixels)
    }

    /// Builds an image whose pixels the caller writes into an uninitialised buffer of the right size.
    init(width: Int, height: Int, channels: Int, initializingPixelsWith body: (UnsafeMutableBufferPointer<UInt8>) throws -> Void) rethrows {
        self.width = width
        self.height = height
        self.channels = channels
        pixels = try [UInt8](unsafeUninitializedCapacity: width * height * channels) { buffer, count in
            try body(buffer)
            count = buffer.count
        }
    }

    /// Bytes per row.
    public var stride: Int { width * channels }

    /// The channel values of pixel `(x, y)`.
    public subscript(x x: Int, y y: Int) -> ArraySlice<UInt8> {
        let start = (y * width + x) * channels
        return pixels[start..<(start + channels)]
    }
}
