/// An image file format DetectKit reads and writes.
public enum ImageFormat: String, Sendable, CaseIterable, CustomStringConvertible {
    /// PNG (lossless).
    case png
    /// JPEG (lossy).
    case jpeg

    /// The format of a file from its first bytes (PNG signature, JPEG SOI marker), or nil.
    public init?<C: Collection>(sniffing bytes: C) where C.Element == UInt8 {
        let head = Array(bytes.prefix(8))
        if head == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] {
            self = .png
        } else if head.count >= 2, head[0] == 0xFF, head[1] == 0xD8 {  // SOI; libjpeg judges the rest
            self = .jpeg
        } else {
            return nil
        }
    }

    /// The usual file extension: `png` or `jpg`.
    public var fileExtension: String { self == .png ? "png" : "jpg" }

    /// `png` or `jpeg`.
    public var description: String { rawValue }
}
