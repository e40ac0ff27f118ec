/// A problem loading or running a CLIP model: which file or input, and what.
public enum CLIPError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A model file (config, weights, vocabulary) that is missing or wrong.
    case file(String, String)
    /// A weight tensor that is missing or has the wrong shape.
    case tensor(String, String)
    /// Input the model cannot take.
    case input(String)

    /// `FILE: message`, `tensor NAME: message` or the input problem.
    public var description: String {
        switch self {
        case .file(let path, let message): return "\(path): \(message)"
        case .tensor(let name, let message): return "tensor \(name): \(message)"
        case .input(let message): return message
        }
    }
}
