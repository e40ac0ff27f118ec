import NeuralCore

/// The largest elementwise error of `actual` against `expected`, relative to `max(1, |expected|)`: absolute for
/// small values, relative for large ones, the tolerance measure of every golden comparison in the tests.
/// Arrays of different lengths are infinitely far apart.
public func worstRelativeError(_ actual: [Float], _ expected: [Float]) -> Float {
    guard actual.count == expected.count else { return .infinity }
    return zip(actual, expected).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
}

/// `worstRelativeError` of the scalars of two tensors; tensors of different shapes are infinitely far apart.
public func worstRelativeError(_ actual: Tensor, _ expected: Tensor) -> Float {
    actual.shape == expected.shape ? worstRelativeError(actual.scalars, expected.scalars) : .infinity
}
