import ArgumentParser
import DetectKit
import Foundation

/// `--detector DIR`: which detector `detect`, `annotate` and `compare DIR` run.
struct DetectorFlags: ParsableArguments {
    @Option(name: .long, help: "Detector folder (config.json and weights from training/export.py; default: the bundled detector).")
    var detector: String?

    @Option(name: .long, help: "Keep raw detections scoring above this (default: the detector's own, 0.05).")
    var detectorThreshold: Float?

    /// Refuses a detector threshold outside [0, 1] (scores are probabilities), naming the option.
    func validate() throws {
        try OptionChecks.unitInterval(detectorThreshold, "--detector-threshold")
    }

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
    /// `image_id` as JSON: the number, or the quoted string.
    static func json(_ id: COCOImageID) -> String {
        switch id {
        case .number: return id.description
        case .text(let t): return "\"" + t.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
    }

    /// One record per detection of `d` (all of one image), in `d`'s order.
    static func records(_ d: Detections, imageID: COCOImageID) -> [String] {
        (0..<d.count).map { i in
            let b = d.boxes[i], s = d.deviations?[i] ?? SIMD4(repeating: 1)
            return "{\"image_id\": \(json(imageID)), \"category_id\": \(d.categories[i]), "
                + "\"bbox\": [\(b.x1), \(b.y1), \(b.x2 - b.x1), \(b.y2 - b.y1)], \"score\": \(d.scores[i]), "
                + "\"bbox_std\": [\(s.x), \(s.y), \(s.z), \(s.w)]}"
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
