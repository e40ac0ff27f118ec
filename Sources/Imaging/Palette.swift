/// Colours for drawing detections: one per class, distinct and saturated enough to stand out on photos.
///
/// The 20 colours are Ultralytics' default palette; class `k` gets colour `k mod 20`.
public struct Palette: Sendable, Equatable {
    /// The colours, as RGB.
    public var colors: [[UInt8]]

    /// A palette of the given RGB colours (at least one).
    public init(colors: [[UInt8]]) {
        self.colors = colors.isEmpty ? Self.detection.colors : colors
    }

    /// The default palette.
    public static let detection = Palette(hex: [
        0xFF3838, 0xFF9D97, 0xFF701F, 0xFFB21D, 0xCFD231, 0x48F90A, 0x92CC17, 0x3DDB86, 0x1A9334, 0x00D4BB,
        0x2C99A8, 0x00C2FF, 0x344593, 0x6473FF, 0x0018EC, 0x8438FF, 0x520085, 0xCB38FF, 0xFF95C8, 0xFF37C7,
    ])

    private init(hex: [UInt32]) {
        colors = hex.map { [UInt8($0 >> 16), UInt8(($0 >> 8) & 0xFF), UInt8($0 & 0xFF)] }
    }

    /// The colour of class `index` (any integer, negative ones too).
    public func color(for index: Int) -> [UInt8] {
        let n = colors.count
        return colors[((index % n) + n) % n]
    }
}
