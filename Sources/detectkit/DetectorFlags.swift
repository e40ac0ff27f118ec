import ArgumentParser
import DetectKit
import Foundation
import JSONScanning

/// `--detector DIR`: which detector `detect`, `annotate` and `compare DIR` run.
struct DetectorFlags: ParsableArguments {
    @Option(name: .long, help: "Detector folder (config.json and weights from training/export.py; default: the bundled detector).")
    var detector: String?

    @Option(name: .long, help: "Keep raw detections scoring above this (default: the detector's own, 0.05).")
    var detectorThreshold: Float?

    /// The options given on the command line, as typed.
    var given: [String] { [("--detector", detector != nil), ("--detector-threshold", detectorThreshold != nil)].compactMap { $0.1 ? $0.0 : nil } }

    /// The detector these flags name.
    func load() throws -> LargeKernelDetector {
        guard let folder = detector ?? BundledModels.detectorDirectory else {
            throw ValidationError("this build has no bundled detector; pass --detector DIR")
        }
        return try LargeKernelDetector(directory: folder)
    }
}

/// Raw detections of image files as COCO results text, one record per detection with its `bbox_std`.
enum DetectionRecords {
    /// One record's fields per detection of `d` (all of one image), in `d`'s order: `image_id`, `category_id`,
    /// `bbox`, `score`, `bbox_std`.
    static func records(_ d: Detections, imageID: COCOImageID) -> [[(String, JSONValue)]] {
        (0..<d.count).map { i in
            let b = d.boxes[i], s = d.deviations?[i] ?? SIMD4(repeating: 1)
            return [
                ("image_id", imageID.json), ("category_id", .int(d.categories[i])),
                ("bbox", .array([b.x1, b.y1, b.x2 - b.x1, b.y2 - b.y1].map { .float($0) })), ("score", .float(d.scores[i])),
                ("bbox_std", .array([s.x, s.y, s.z, s.w].map { .float($0) })),
            ]
        }
    }

    /// The id an image file gets without a catalog: its name without extension as a number when it is one
    /// (`000139.jpg` → 139), else the file name.
    static func imageID(forFile path: String) -> COCOImageID {
        let name = (path as NSString).lastPathComponent, stem = (name as NSString).deletingPathExtension
        if let n = Int(stem) { return .number(Double(n)) }
        return .text(name)
    }
}
