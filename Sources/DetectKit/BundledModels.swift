import Foundation

/// The models that ship inside DetectKit.
public enum BundledModels {
    /// The folder of the bundled zero-shot CLIP model (Hugging Face layout), when this build has one.
    public static var clipDirectory: String? {
        guard let url = Bundle.module.url(forResource: "Models/clip", withExtension: nil),
            FileManager.default.fileExists(atPath: url.appendingPathComponent("config.json").path)
        else { return nil }
        return url.path
    }

    /// The folder of the bundled detector (config.json and weights), when this build has one.
    public static var detectorDirectory: String? {
        guard let url = Bundle.module.url(forResource: "Models/detector", withExtension: nil),
            FileManager.default.fileExists(atPath: url.appendingPathComponent("config.json").path)
        else { return nil }
        return url.path
    }

    /// This build bundles no such model (a package copied without its `Models` folder).
    public struct Missing: Error, Equatable, Sendable, CustomStringConvertible {
        /// Which model: "detector" or "CLIP model".
        public var model: String

        /// `this build has no bundled detector`.
        public var description: String { "this build has no bundled \(model)" }
    }
}
