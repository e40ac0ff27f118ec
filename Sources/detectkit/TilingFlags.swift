import ArgumentParser
import DetectKit

/// `--slice`, `--overlap`, `--full-image`, `--merge`: slicing-aided (tiled) detection in `detect`, `annotate` and
/// `compare SAMPLES_DIR`.
struct TilingFlags: ParsableArguments {
    @Option(name: .long, help: "Detect on overlapping tiles of this size, S or WxH pixels, and merge (SAHI's sliced prediction).")
    var slice: String?

    @Option(name: .long, help: "Overlap of adjacent tiles, a fraction of the tile side in [0, 1) (default 0.2).")
    var overlap: Double?

    @Flag(name: .long, help: "Also run the whole image and merge its boxes with the tiles' (SAHI's perform_standard_pred).")
    var fullImage = false

    @Option(name: .long, help: "How the tiles' boxes are merged, METHOD[:param=value,…] (default \(Self.defaultMerge)).")
    var merge: String?

    /// SAHI's default post-processing of a sliced prediction.
    static let defaultMerge = "greedy-nmm:overlap=ios,threshold=0.5"

    /// The options given on the command line, as typed.
    var given: [String] {
        InapplicableOptions.given(["--slice": slice != nil, "--overlap": overlap != nil, "--full-image": fullImage, "--merge": merge != nil])
    }

    /// Refuses tiling options without `--slice`, a malformed size, an overlap outside [0, 1) and an unknown merge
    /// method, naming the option.
    func validate() throws {
        guard let slice else {
            try InapplicableOptions.reject(given, "they tune tiled detection, which only --slice turns on")
            return
        }
        _ = try tileSize(slice)
        if let overlap, !(overlap >= 0 && overlap < 1) { throw ValidationError("--overlap \(overlap): must be at least 0 and below 1") }
        if let merge {
            do {
                _ = try SuppressionMethod(parsing: merge)
            } catch let error as SuppressionError {
                throw ValidationError("--merge \(merge): \(error)")
            }
        }
    }

    /// `S` (square) or `WxH`, both from 1 to 65,536.
    private func tileSize(_ text: String) throws -> (width: Int, height: Int) {
        let size: (width: Int, height: Int)? = text.lowercased().contains("x")
            ? try OptionChecks.size(text, "--slice") : Int(text).map { (width: $0, height: $0) }
        guard let size, (1...65_536).contains(size.width), (1...65_536).contains(size.height) else {
            throw ValidationError("--slice \(text): must be a tile side S or WIDTHxHEIGHT, whole numbers from 1 to 65536")
        }
        return size
    }

    /// The tiling these flags ask for (nil without `--slice`); the merge groups as `options` do (per category unless
    /// class-agnostic) and caps detections per image as they do.
    func tiling(options: SuppressionOptions) throws -> Tiling? {
        guard let slice else { return nil }
        let size = try tileSize(slice)
        let ratio = overlap ?? 0.2
        return Tiling(
            slicer: try Slicer(tileWidth: size.width, tileHeight: size.height, overlapWidthRatio: ratio, overlapHeightRatio: ratio),
            fullImage: fullImage, merger: try SuppressionMethod(parsing: merge ?? Self.defaultMerge).makeSuppressor(),
            mergeOptions: SuppressionOptions(
                classAgnostic: options.classAgnostic, maxDetections: options.maxDetections, convention: options.convention))
    }
}
