/// What is wrong with a model's raw output, naming the tensor (and its file) concerned.
public struct DecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file or tensor the problem is in (`output.npy`, `outputs.safetensors: logits`).
    public var source: String
    /// What is wrong.
    public var message: String

    /// A problem with one tensor of a raw output.
    public init(source: String, message: String) {
        self.source = source
        self.message = message
    }

    /// `SOURCE: message`.
    public var description: String { source + ": " + message }
}
