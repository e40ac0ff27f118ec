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
    public var startIndex: Int { 0 }
    /// One past the position of the last box.
    public var endIndex: Int { x1.count }

    /// The box at position `i`.
    public subscript(i: Int) -> Box {
        get { Box(x1: x1[i], y1: y1[i], x2: x2[i], y2: y2[i]) }
        set {
            x1[i] = newValue.x1
            y1[i] = newValue.y1
            x2[i] = newValue.x2
            y2[i] = newValue.y2
        }
    }

    /// The boxes at the given positions, in that order.
    public func gathering<C: Collection>(_ positions: C) -> BoxArray where C.Element == Int {
        var out = BoxArray()
        out.reserveCapacity(positions.count)
        for p in positions { out.append(self[p]) }
        return out
    }
}
