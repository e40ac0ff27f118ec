import CCodecShims
import Foundation

extension Image {
    /// Decodes a PNG or JPEG.
    ///
    /// - PNG: gray, gray + alpha, RGB and RGBA at any bit depth, palettes (with `tRNS`: RGBA), interlaced or not.
    ///   Low bit depths are scaled to 8 bits, 16-bit samples keep their high byte, `tRNS` becomes alpha.
    /// - JPEG: baseline or progressive, any chroma subsampling; gray comes out gray, everything else RGB (CMYK
    ///   and YCCK converted as Pillow does); the EXIF orientation is applied unless turned off.
    ///
    /// `source` names the file in errors. Throws ``ImagingError``.
    public init(decoding data: Data, source: String = "image", options: DecodeOptions = .init()) throws {
        guard let format = ImageFormat(sniffing: data) else { throw ImagingError.unsupportedFormat(source: source) }
        // Decoded straight from the caller's buffer: no copy of the file.
        self = try data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            switch format {
            case .png:
                return try Self.decodePNG(bytes, source: source, maxPixels: options.maxPixels)
            case .jpeg:
                let orientation = options.appliesOrientation ? (EXIFOrientation(jpeg: bytes) ?? .up) : .up
                return try Self.decodeJPEG(bytes, source: source, options: options, orientation: orientation)
                    .oriented(orientation)
            }
        }
    }

    /// Reads and decodes an image file; errors name the file.
    public init(contentsOfFile path: String, options: DecodeOptions = .init()) throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ImagingError.io(path: path, message: "cannot read: \(error.localizedDescription)")
        }
        try self.init(decoding: data, source: path, options: options)
    }

    private static func checkBudget(_ info: dk_image_info, source: String, maxPixels: Int) throws {
        let pixels = Int(info.width) * Int(info.height)
        if pixels > maxPixels {
            throw ImagingError.tooLarge(source: source, width: Int(info.width), height: Int(info.height), maxPixels: maxPixels)
        }
        if pixels == 0 { throw ImagingError.corrupt(source: source, message: "image has no pixels") }
    }

    private static func decodePNG(_ bytes: UnsafeBufferPointer<UInt8>, source: String, maxPixels: Int) throws -> Image {
        var message = [CChar](repeating: 0, count: Int(DK_MESSAGE_SIZE))
        var info = dk_image_info()
        guard dk_png_info(bytes.baseAddress, bytes.count, &info, &message) == DK_OK else {
            throw ImagingError.corrupt(source: source, message: Self.text(message))
        }
        try checkBudget(info, source: source, maxPixels: maxPixels)
        var status = Int32(DK_OK)
        let image = Image(width: Int(info.width), height: Int(info.height), channels: Int(info.channels)) { out in
            status = dk_png_decode(bytes.baseAddress, bytes.count, out.baseAddress, out.count, &message)
            if status != DK_OK { out.initialize(repeating: 0) }
        }
        guard status == DK_OK else { throw ImagingError.corrupt(source: source, message: Self.text(message)) }
        return image
    }

    private static func decodeJPEG(
        _ bytes: UnsafeBufferPointer<UInt8>, source: String, options: DecodeOptions, orientation: EXIFOrientation
    ) throws -> Image {
        var message = [CChar](repeating: 0, count: Int(DK_MESSAGE_SIZE))
        var info = dk_image_info()
        guard dk_jpeg_info(bytes.baseAddress, bytes.count, 1, &info, &message) == DK_OK else {
            throw ImagingError.corrupt(source: source, message: Self.text(message))
        }
        try checkBudget(info, source: source, maxPixels: options.maxPixels)
        var denominator: Int32 = 1
        if let wanted = options.minimumSize {
            let (w, h) = orientation.swapsAxes ? (wanted.height, wanted.width) : (wanted.width, wanted.height)
            for d: Int32 in [8, 4, 2] {
                // libjpeg rounds scaled sizes up.
                let sw = (Int(info.width) + Int(d) - 1) / Int(d), sh = (Int(info.height) + Int(d) - 1) / Int(d)
                if sw >= w && sh >= h {
                    denominator = d
                    break
                }
            }
            if denominator != 1 {
                guard dk_jpeg_info(bytes.baseAddress, bytes.count, denominator, &info, &message) == DK_OK else {
                    throw ImagingError.corrupt(source: source, message: Self.text(message))
                }
            }
        }
        var status = Int32(DK_OK)
        let image = Image(width: Int(info.width), height: Int(info.height), channels: Int(info.channels)) { out in
            status = dk_jpeg_decode(bytes.baseAddress, bytes.count, denominator, out.baseAddress, out.count, &message)
            if status != DK_OK { out.initialize(repeating: 0) }
        }
        guard status == DK_OK else { throw ImagingError.corrupt(source: source, message: Self.text(message)) }
        return image
    }

    /// The NUL-terminated message the C shim wrote into `buffer`.
    static func text(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
