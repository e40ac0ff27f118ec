import NeuralCore

/// A raw output read from files: NumPy `.npy` files, one per tensor in the format's order, or one
/// `.safetensors` file holding the tensors by name.
public enum RawOutputFiles {
    /// The tensors of `format` from `paths`, by name; errors name the file (and tensor).
    public static func read(_ paths: [String], format: RawOutputFormat) throws -> [String: RawTensor] {
        guard !paths.isEmpty else { throw DecodingError(source: "input", message: "no tensor file given") }
        if paths.count == 1, paths[0].hasSuffix(".safetensors") {
            let file = try SafeTensors(contentsOf: paths[0])
            var tensors: [String: RawTensor] = [:]
            for name in format.tensorNames + format.optionalTensorNames where file.entry(name) != nil {
                tensors[name] = RawTensor(try file.tensor(name), source: "\(paths[0]): \(name)")
            }
            if let missing = format.tensorNames.first(where: { tensors[$0] == nil }) {
                throw DecodingError(
                    source: paths[0],
                    message: "no tensor \"\(missing)\": \(format.rawValue) needs \(format.tensorNames.joined(separator: ", ")) (the file holds \(file.entries.map(\.name).joined(separator: ", ")))")
            }
            return tensors
        }
        let names = format.tensorNames + format.optionalTensorNames
        guard paths.count >= format.tensorNames.count, paths.count <= names.count else {
            throw DecodingError(
                source: paths.joined(separator: ", "),
                message: "\(format.rawValue) takes \(format.tensorNames.count == names.count ? "" : "\(format.tensorNames.count) to ")\(names.count) .npy files (\(names.joined(separator: ", "))) or one .safetensors file, not \(paths.count) files")
        }
        var tensors: [String: RawTensor] = [:]
        for (name, path) in zip(names, paths) {
            tensors[name] = RawTensor(try NumPyArrayFile.read(contentsOf: path), source: path)
        }
        return tensors
    }
}
