/// A box as its top-left corner and size `(x, y, w, h)`: the COCO `bbox` format.
public struct BoxXYWH: Hashable, Sendable {
    /// Left edge.
    public var x: Float
    /// Top edge.
    public var y: Float
    /// Width.
    public var w: Float
    /// Height.
    public var h: Float

    /// Creates a box from its corner and size.
    public init(x: Float, y: Float, w: Float, h: Float) {
        self.x = x
        self.y = y
        self.w = w
        self.h = h
    }

    /// The same box in xywh form: `x = x1`, `y = y1`, `w = x2 - x1`, `h = y2 - y1`.
    public init(_ box: Box) {
        self.init(x: box.x1, y: box.y1, w: box.x2 - box.x1, h: box.y2 - box.y1)
    }
}

/// A box as its centre and size `(cx, cy, w, h)`: the YOLO and DETR format.
public struct BoxCXCYWH: Hashable, Sendable {
    /// Centre x.
    public var cx: Float
    /// Centre y.
    public var cy: Float
    /// Width.
    public var w: Float
    /// Height.
    public var h: Float

    /// Creates a box from its centre and size.
    public init(cx: Float, cy: Float, w: Float, h: Float) {
        self.cx = cx
        self.cy = cy
        self.w = w
        self.h = h
    }

    /// The same box in centre form: `cx = (x1 + x2) / 2`, `w = x2 - x1`.
    public init(_ box: Box) {
        self.init(cx: box.centerX, cy: box.centerY, w: box.x2 - box.x1, h: box.y2 - box.y1)
    }
}

extension Box {
    /// The corners of an xywh box: `x2 = x + w`, `y2 = y + h`.
    public init(_ b: BoxXYWH) {
        self.init(x1: b.x, y1: b.y, x2: b.x + b.w, y2: b.y + b.h)
    }

    /// The corners of a centre-form box: `x1 = cx - w/2`, `x2 = cx + w/2`.
    public init(_ b: BoxCXCYWH) {
        self.init(x1: b.cx - b.w / 2, y1: b.cy - b.h / 2, x2: b.cx + b.w / 2, y2: b.cy + b.h / 2)
    }
}
