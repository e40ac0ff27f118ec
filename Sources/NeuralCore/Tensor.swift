/// A dense `Float` tensor in row-major (C) order: PyTorch's default contiguous layout, so weights load as they
/// are (`[out, in, kh, kw]` convolutions, `[out, in]` linear layers, `[N, C, H, W]` activations).
public struct Tensor: Sendable, Equatable {
    /// Size of each dimension, outermost first.
    public let shape: [Int]
    /// `count` values, the last dimension varying fastest.
    public var scalars: [Float]

    /// A tensor from its shape and values; throws when they disagree or a dimension is negative.
    public init(shape: [Int], scalars: [Float]) throws {
        let count = try Self.elementCount(shape)
        guard scalars.count == count else { throw TensorError.shapeMismatch(shape: shape, count: scalars.count) }
        self.shape = shape
        self.scalars = scalars
    }

    /// A tensor of zeros.
    public init(zeros shape: [Int]) throws {
        try self.init(shape: shape, scalars: [Float](repeating: 0, count: Self.elementCount(shape)))
    }

    /// A tensor whose values `body` writes — every one of them — straight into fresh storage, for kernels that
    /// overwrite their whole output (no zero fill first).
    package init(shape: [Int], writing body: (UnsafeMutableBufferPointer<Float>) -> Void) throws {
        let count = try Self.elementCount(shape)
        self.shape = shape
        self.scalars = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            body(buffer)
            initialized = count
        }
    }

    /// The element-wise sum with a tensor of the same shape (a residual connection).
    public func adding(_ other: Tensor) throws -> Tensor {
        guard other.shape == shape else { throw TensorError.shapeMismatch(shape: shape, count: other.count) }
        var out = self
        out.scalars.withUnsafeMutableBufferPointer { o in
            other.scalars.withUnsafeBufferPointer { p in
                for i in 0..<o.count { o[i] += p[i] }
            }
        }
        return out
    }

    /// Number of values: the product of the shape (1 for a scalar).
    public var count: Int { scalars.count }

    /// Number of dimensions.
    public var rank: Int { shape.count }

    /// The same values under another shape with the same number of elements.
    public func reshaped(_ newShape: [Int]) throws -> Tensor {
        try Tensor(shape: newShape, scalars: scalars)
    }

    /// The value at a full index (one coordinate per dimension); nil when the index is out of range.
    public func value(at index: [Int]) -> Float? {
        guard index.count == shape.count else { return nil }
        var offset = 0
        for (i, n) in zip(index, shape) {
            guard i >= 0 && i < n else { return nil }
            offset = offset * n + i
        }
        return scalars[offset]
    }

    /// The product of `shape`, checked for negative dimensions and overflow.
    public static func elementCount(_ shape: [Int]) throws -> Int {
        var count = 1
        for n in shape {
            guard n >= 0 else { throw TensorError.invalidShape(shape) }
            let (product, overflow) = count.multipliedReportingOverflow(by: n)
            guard !overflow else { throw TensorError.invalidShape(shape) }
            count = product
        }
        return count
    }
}

/// A tensor whose shape and values do not fit together.
public enum TensorError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `count` values cannot fill `shape`.
    case shapeMismatch(shape: [Int], count: Int)
    /// A negative dimension, or more elements than memory can address.
    case invalidShape([Int])

    /// One line saying what is wrong.
    public var description: String {
        switch self {
        case .shapeMismatch(let shape, let count): return "\(count) values do not fill shape \(shape)"
        case .invalidShape(let shape): return "invalid shape \(shape)"
        }
    }
}
