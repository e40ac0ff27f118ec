/// What went wrong reading, writing or handling an image.
public enum ImagingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The bytes are neither PNG nor JPEG (or the file is empty).
    case unsupportedFormat(source: String)
    /// libpng or libjpeg could not decode the file; its message.
    case corrupt(source: String, message: String)
    /// An image would have more pixels than the budget allows (a file's header declares them, or a grid being
    /// composed would); refused before any pixel memory is allocated.
    case tooLarge(source: String, width: Int, height: Int, maxPixels: Int)
    /// The image could not be encoded; the library's message.
    case encodingFailed(format: ImageFormat, message: String)
    /// A file could not be read or written.
    case io(path: String, message: String)
    /// An image whose sizes do not make sense (a programming error of the caller).
    case invalidImage(String)
    /// Tiling that cannot be done: a tile side below 1, an overlap ratio outside `[0, 1)`, an empty image.
    case invalidSlicing(String)

    /// One line naming the file and the problem.
    public var description: String {
        switch self {
        case .unsupportedFormat(let source):
            return "\(source): not a PNG or JPEG image"
        case .corrupt(let source, let message):
            return "\(source): cannot decode: \(message)"
        case .tooLarge(let source, let width, let height, let maxPixels):
            return "\(source): \(width)×\(height) pixels is over the budget of \(maxPixels)"
        case .encodingFailed(let format, let message):
            return "cannot encode \(format): \(message)"
        case .io(let path, let message):
            return "\(path): \(message)"
        case .invalidImage(let what):
            return "invalid image: \(what)"
        case .invalidSlicing(let what):
            return "cannot slice: \(what)"
        }
    }
}
