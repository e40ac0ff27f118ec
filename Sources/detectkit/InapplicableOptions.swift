import ArgumentParser

/// Options given where they cannot take effect are an error, never silently ignored (`detect --raw --method
/// soft-gaussian` would otherwise write unsuppressed boxes while the user believes they were suppressed).
enum InapplicableOptions {
    /// Throws, naming `options` (as typed on the command line) and why they do not apply, when any were given.
    static func reject(_ options: [String], _ reason: String) throws {
        guard !options.isEmpty else { return }
        throw ValidationError("\(options.joined(separator: ", ")) \(options.count == 1 ? "does" : "do") not apply: \(reason)")
    }

    /// The options of `options` that were given, as typed, in order: each with whether it was.
    static func given(_ options: KeyValuePairs<String, Bool>) -> [String] { options.compactMap { $0.value ? $0.key : nil } }
}
