/// Many boxes stored as structure of arrays (`x1[]`, `y1[]`, `x2[]`, `y2[]`), the layout the vector kernels read.
public struct BoxArray: Sendable, Equatable, RandomAccessCollection {
    /// Left edges.
    public private(set) var x1: [Float]
    /// Top edges.
    public private(set) var y1: [Float]
    /// Right edges.
    public private(set) var x2: [Float]
    /// Bottom edges.
    public private(set) var y2: [Float]

    /// An empty array.
    public init() {
        x1 = []
        y1 = []
        x2 = []
        y2 = []
    }

    /// The given boxes, in order.
    public init<S: Sequence>(_ boxes: S) where S.Element == Box {
        self.init()
        for b in boxes { append(b) }
    }

    /// Room for `count` boxes without reallocation.
    public mutating func reserveCapacity(_ count: Int) {
        x1.reserveCapacity(count)
        y1.reserveCapacity(count)
        x2.reserveCapacity(count)
        y2.reserveCapacity(count)
    }

    /// Adds a box at the end.
    public mutating func append(_ b: Box) {
        x1.append(b.x1)
        y1.append(b.y1)
        x2.append(b.x2)
        y2.append(b.y2)
    }

    /// The position of the first box.
    @inlinable public var startIndex: Int { 0 }
    /// One past the position of the last box.
    @inlinable public var endIndex: Int { x1.count }

    /// The box at position `i`.
    public subscript(i: Int) -> Box {
        @inlinable get { Box(x1: x1[i], y1: y1[i], x2: x2[i], y2: y2[i]) }
        set {
            x1[i] = newValue.x1
            y1[i] = newValue.y1
            x2[i] = newValue.x2
            y2[i] = newValue.y2
        }
    }

    /// The boxes at the given positions, in that order.
    @inlinable
    public func gathering<C: Collection>(_ positions: C) -> BoxArray where C.Element == Int {
        var out = BoxArray()
        out.reserveCapacity(positions.count)
        for p in positions { out.append(self[p]) }
        return out
    }
}

/// A borrowed, read-only view of a ``BoxArray``'s columns for hot loops: no reference counting, no copies.
/// Valid only inside ``BoxArray/withColumns(_:)``; package-internal, since its pointers could outlive the call.
@usableFromInline
package struct BoxColumns {
    /// Left edges.
    @usableFromInline package let x1: UnsafeBufferPointer<Float>
    /// Top edges.
    @usableFromInline package let y1: UnsafeBufferPointer<Float>
    /// Right edges.
    @usableFromInline package let x2: UnsafeBufferPointer<Float>
    /// Bottom edges.
    @usableFromInline package let y2: UnsafeBufferPointer<Float>

    /// The box at position `i`.
    @inlinable
    package subscript(i: Int) -> Box { Box(x1: x1[i], y1: y1[i], x2: x2[i], y2: y2[i]) }

    /// Number of boxes.
    @inlinable
    package var count: Int { x1.count }

    /// A view of four equally long columns.
    @inlinable
    package init(
        x1: UnsafeBufferPointer<Float>, y1: UnsafeBufferPointer<Float>, x2: UnsafeBufferPointer<Float>,
        y2: UnsafeBufferPointer<Float>
    ) {
        self.x1 = x1
        self.y1 = y1
        self.x2 = x2
        self.y2 = y2
    }
}

extension BoxArray {
    /// Calls `body` with a borrowed view of the columns.
    @inlinable
    package func withColumns<R>(_ body: (BoxColumns) throws -> R) rethrows -> R {
        try x1.withUnsafeBufferPointer { a in
            try y1.withUnsafeBufferPointer { b in
                try x2.withUnsafeBufferPointer { c in
                    try y2.withUnsafeBufferPointer { d in try body(BoxColumns(x1: a, y1: b, x2: c, y2: d)) }
                }
            }
        }
    }
}
