import NeuralCore

/// One tensor of a model's raw output, with the name of where it came from for error messages.
///
/// Built from a `Tensor`, from `[Float]` and a shape, or from a buffer the user's runtime hands out (a Core ML
/// `MLMultiArray`'s or an ONNX Runtime output's memory), copied once.
public struct RawTensor: Sendable, Equatable {
    /// Size of each dimension, outermost first.
    public let shape: [Int]
    /// The values in row-major (C) order.
    public let values: [Float]
    /// Where it came from (a file, `file: name`, or a description), for error messages.
    public let source: String

    /// A raw tensor from its shape and values; throws when they disagree.
    public init(shape: [Int], values: [Float], source: String = "output") throws {
        var count = 1
        for d in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: d)
            guard d >= 0, !overflow else { throw DecodingError(source: source, message: "invalid shape \(shape)") }
            count = product
        }
        guard count == values.count else {
            throw DecodingError(source: source, message: "\(values.count) values do not fill shape \(shape)")
        }
        self.shape = shape
        self.values = values
        self.source = source
    }

    /// A raw tensor from a buffer of row-major values (copied).
    public init(shape: [Int], buffer: UnsafeBufferPointer<Float>, source: String = "output") throws {
        try self.init(shape: shape, values: Array(buffer), source: source)
    }

    /// A raw tensor from a `Tensor`.
    public init(_ tensor: Tensor, source: String) {
        shape = tensor.shape
        values = tensor.scalars
        self.source = source
    }

    /// The shape without leading dimensions of size 1 beyond `rank` (a batch of one), or an error naming
    /// `what` the format expects.
    func squeezed(toRank rank: Int, expecting what: String) throws -> [Int] {
        var s = shape
        while s.count > rank, s.first == 1 { s.removeFirst() }
        guard s.count == rank else {
            throw DecodingError(source: source, message: "shape \(shape) is not \(what)")
        }
        return s
    }

    /// Throws when a value is NaN or infinite, naming its position: ``allFinite(_:)``, then a search only when it
    /// found one.
    func checkFinite() throws {
        if !values.withUnsafeBufferPointer(Self.allFinite), let i = values.firstIndex(where: { !$0.isFinite }) {
            throw DecodingError(source: source, message: "value \(values[i]) at flat index \(i) is not finite")
        }
    }

    /// Whether no value is NaN or infinite, in one branch-free (vectorised) pass over the bits: an exponent of all
    /// ones sets the sign bit of `(bits & 0x7F80_0000) + 0x0080_0000`.
    static func allFinite(_ values: UnsafeBufferPointer<Float>) -> Bool {
        values.withMemoryRebound(to: UInt32.self) { bits in
            var mask: UInt32 = 0
            for b in bits { mask |= ((b & 0x7F80_0000) &+ 0x0080_0000) & 0x8000_0000 }
            return mask == 0
        }
    }
}
