import ArgumentParser
import DetectKit
import Foundation

/// `detectkit bench decode`: decoding image files, optionally at a reduced size through JPEG DCT scaling.
struct DecodeBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode", abstract: "Time decoding image files (the file is read once, before timing).")

    @Option(help: "Decode at the smallest DCT scale still at least this large, WIDTHxHEIGHT (JPEG only).")
    var minimumSize: String?

    @Option(help: "Then resize (area) to exactly WIDTHxHEIGHT, as a thumbnailer would.")
    var resizeTo: String?

    @OptionGroup var bench: BenchOptions

    @Argument(help: "PNG or JPEG files.")
    var files: [String]

    func validate() throws {
        if let minimumSize { _ = try OptionChecks.size(minimumSize, "--minimum-size") }
        if let resizeTo {
            // The resized image must be one the decoders could have produced.
            let (w, h) = try OptionChecks.size(resizeTo, "--resize-to"), budget = DecodeOptions().maxPixels
            guard !w.multipliedReportingOverflow(by: h).overflow, w * h <= budget else {
                throw ValidationError("--resize-to \(resizeTo): more than \(budget) pixels")
            }
        }
    }

    func run() throws {
        try CommandFailure.report {
            let minimum = try minimumSize.map { try OptionChecks.size($0, "--minimum-size") }
            let target = try resizeTo.map { try OptionChecks.size($0, "--resize-to") }
            for file in files {
                let data: Data
                do {
                    data = try Data(contentsOf: URL(fileURLWithPath: file))
                } catch {
                    throw ImagingError.io(path: file, message: "cannot read: \(error.localizedDescription)")
                }
                var decoded: Image?
                let ms = try bench.medianMilliseconds(default: 11) {
                    var image = try Image(decoding: data, source: file, options: DecodeOptions(minimumSize: minimum))
                    if let target { image = try image.resized(width: target.width, height: target.height, filter: .area) }
                    decoded = image
                }
                let (w, h) = (decoded?.width ?? 0, decoded?.height ?? 0)
                bench.report(
                    file, milliseconds: ms, fields: [("width", .int(w)), ("height", .int(h))],
                    text: "\(file): \(w)x\(h), median \(String(format: "%.3f", ms)) ms")
            }
        }
    }
}
