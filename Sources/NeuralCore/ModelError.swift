/// A problem loading or running a model (the detector, a CLIP model, its tokenizer): which file or tensor, and
/// what.
public enum ModelError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A model file (configuration, weights, vocabulary) that is missing or wrong: its path and what is wrong.
    case file(String, String)
    /// A weight tensor that is missing or has the wrong shape: its name and what is wrong (naming the file).
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
