/// An axis-aligned box in corner form `(x1, y1, x2, y2)` ("xyxy"), the form every DetectKit algorithm works in.
///
/// Coordinates are continuous: the width is `x2 - x1` and the height `y2 - y1` (no `+1`), as in torchvision,
/// ONNX, OpenCV and pycocotools. ``BoxConvention/pixelInclusive`` reproduces the older `+1` convention where a
/// function asks for it.
public struct Box: Hashable, Sendable, CustomStringConvertible {
    /// Left edge.
    public var x1: Float
    /// Top edge.
    public var y1: Float
    /// Right edge.
    public var x2: Float
    /// Bottom edge.
    public var y2: Float

    /// Creates a box from its corners.
    @inlinable
    public init(x1: Float, y1: Float, x2: Float, y2: Float) {
        self.x1 = x1
        self.y1 = y1
        self.x2 = x2
        self.y2 = y2
    }

    /// Width `x2 - x1` (negative for an inverted box).
    @inlinable public var width: Float { x2 - x1 }
    /// Height `y2 - y1` (negative for an inverted box).
    @inlinable public var height: Float { y2 - y1 }
    /// Centre x, `(x1 + x2) / 2`.
    @inlinable public var centerX: Float { (x1 + x2) / 2 }
    /// Centre y, `(y1 + y2) / 2`.
    @inlinable public var centerY: Float { (y1 + y2) / 2 }

    /// Area under a convention: `(w + o) · (h + o)` with `o` the convention's offset.
    @inlinable
    public func area(_ convention: BoxConvention = .continuous) -> Float {
        let o = convention.offset
        return (x2 - x1 + o) * (y2 - y1 + o)
    }

    /// Whether all four coordinates are finite.
    @inlinable public var isFinite: Bool { x1.isFinite && y1.isFinite && x2.isFinite && y2.isFinite }

    /// `[x1, y1, x2, y2]`.
    public var description: String { "[\(x1), \(y1), \(x2), \(y2)]" }
}

/// How a box's extent is measured.
public enum BoxConvention: Sendable, Hashable, CaseIterable {
    /// `w = x2 - x1`: torchvision, ONNX, OpenCV, ensemble-boxes, pycocotools.
    case continuous
    /// `w = x2 - x1 + 1`: Caffe/Detectron-era code (original Soft-NMS, KL-Loss). For reproducing old numbers only.
    case pixelInclusive

    /// The amount added to every width, height and intersection side: 0 or 1.
    @inlinable
    public var offset: Float {
        switch self {
        case .continuous: return 0
        case .pixelInclusive: return 1
        }
    }
}

extension Box {
    /// Whether `other` lies inside this box (edges included).
    @inlinable
    public func contains(_ other: Box) -> Bool {
        other.x1 >= x1 && other.y1 >= y1 && other.x2 <= x2 && other.y2 <= y2
    }
}
