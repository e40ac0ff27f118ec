/// What was wrong with the input or the parameters of a suppression run.
public enum SuppressionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Record `index` (0-based, in input order) cannot be used: a NaN or infinite number, a negative width or
    /// height, or a non-positive standard deviation.
    case invalidDetection(index: Int, reason: String)
    /// A method parameter or option is out of its range.
    case invalidParameter(name: String, value: String, reason: String)

    /// The error for a method given oriented boxes it has no oriented form for.
    static func notOriented(_ method: String) -> SuppressionError {
        .invalidParameter(name: "method", value: method, reason: "does not take oriented boxes (suppress their axis-aligned boxes instead)")
    }

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .invalidDetection(let index, let reason):
            return "record \(index): \(reason)"
        case .invalidParameter(let name, let value, let reason):
            return "invalid \(name) \(value): \(reason)"
        }
    }
}

/// Parameter checks shared by the built-in methods.
enum Check {
    /// `value` must be in `[0, 1]`.
    static func unitInterval(_ name: String, _ value: Float) throws {
        guard value >= 0 && value <= 1 else {
            throw SuppressionError.invalidParameter(name: name, value: "\(value)", reason: "must be in [0, 1]")
        }
    }

    /// `value` must be finite and greater than zero.
    static func positive(_ name: String, _ value: Float) throws {
        guard value.isFinite && value > 0 else {
            throw SuppressionError.invalidParameter(name: name, value: "\(value)", reason: "must be positive")
        }
    }
}
