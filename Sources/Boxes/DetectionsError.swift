/// A ``Detections`` value whose parallel arrays do not fit together.
public enum DetectionsError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The arrays of a ``Detections`` value have different lengths.
    case lengthMismatch(field: String, expected: Int, actual: Int)

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .lengthMismatch(let field, let expected, let actual):
            return "\(field) has \(actual) values, expected \(expected) (one per box)"
        }
    }
}
