/// How ``Image/init(decoding:source:options:)`` decodes.
public struct DecodeOptions: Sendable, Equatable {
    /// Files whose header declares more pixels than this are refused before any pixel memory is allocated
    /// (default 16384 × 16384).
    public var maxPixels: Int
    /// Apply a JPEG's EXIF orientation (1–8) so the image comes out upright, as `ImageOps.exif_transpose`
    /// does (default true).
    public var appliesOrientation: Bool
    /// When set, a JPEG is decoded at the smallest DCT scale (1/8, 1/4, 1/2) whose result is still at least
    /// this large in both dimensions (of the upright image): much faster than a full decode when the caller
    /// will shrink the image anyway. PNGs are always decoded at full size.
    public var minimumSize: (width: Int, height: Int)?

    /// Options; the defaults decode at full size, upright, within the default pixel budget.
    public init(maxPixels: Int = 16384 * 16384, appliesOrientation: Bool = true, minimumSize: (width: Int, height: Int)? = nil) {
        self.maxPixels = maxPixels
        self.appliesOrientation = appliesOrientation
        self.minimumSize = minimumSize
    }

    /// Equal when every option is equal.
    public static func == (a: DecodeOptions, b: DecodeOptions) -> Bool {
        a.maxPixels == b.maxPixels && a.appliesOrientation == b.appliesOrientation
            && a.minimumSize?.width == b.minimumSize?.width && a.minimumSize?.height == b.minimumSize?.height
    }
}
