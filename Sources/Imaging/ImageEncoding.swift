import CCodecShims
import Foundation

/// How to encode an image file.
public enum EncodeOptions: Sendable, Equatable {
    /// PNG, lossless, every channel kept; zlib `level` 0–9 (default 6, as Pillow).
    case png(level: Int = 6)
    /// JPEG at `quality` 1–100 (default 90), 4:2:0 for colour. Alpha is dropped (JPEG has none).
    case jpeg(quality: Int = 90)

    /// The file format.
    public var format: ImageFormat {
        switch self {
        case .png: return .png
        case .jpeg: return .jpeg
        }
    }
}

extension Image {
    /// The image encoded as a PNG or JPEG file.
    public func encoded(_ options: EncodeOptions = .png()) throws -> Data {
        var message = [CChar](repeating: 0, count: Int(DK_MESSAGE_SIZE))
        var out: UnsafeMutablePointer<UInt8>?
        var size = 0
        let status: Int32
        switch options {
        case .png(let level):
            status = dk_png_encode(pixels, UInt32(width), UInt32(height), Int32(channels), Int32(level), &out, &size, &message)
        case .jpeg(let quality):
            let opaque = channels == 2 || channels == 4 ? droppingAlpha() : self
            status = dk_jpeg_encode(
                opaque.pixels, UInt32(width), UInt32(height), Int32(opaque.channels), Int32(quality), &out, &size, &message)
        }
        defer { free(out) }
        guard status == DK_OK, let out else {
            throw ImagingError.encodingFailed(format: options.format, message: Image.text(message))
        }
        return Data(bytes: out, count: size)
    }

    /// Encodes and writes the image atomically (a temporary file in the same folder, then a rename), so no
    /// reader ever sees a half-written file.
    public func write(toFile path: String, _ options: EncodeOptions = .png()) throws {
        let data = try encoded(options)
        do {
            try AtomicFile.write(data, to: path)
        } catch let e as AtomicFile.WriteError {
            throw ImagingError.io(path: path, message: "cannot write: \(e.reason)")
        }
    }

    /// The same image without its alpha channel (gray + alpha → gray, RGBA → RGB).
    public func droppingAlpha() -> Image {
        guard channels == 2 || channels == 4 else { return self }
        let c = channels - 1
        return Image(width: width, height: height, channels: c) { out in
            for i in 0..<(width * height) {
                for k in 0..<c { out[i * c + k] = pixels[i * channels + k] }
            }
        }
    }
}
