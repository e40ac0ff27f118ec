/// A neural-network operation given tensors that do not fit it.
public enum NeuralError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A shape that does not fit the operation, with what was expected.
    case shape(String)

    /// One line saying what is wrong.
    public var description: String {
        switch self {
        case .shape(let message): return message
        }
    }
}
