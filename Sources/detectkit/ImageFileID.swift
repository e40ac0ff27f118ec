import DetectKit
import Foundation

/// The `image_id` an image file gets when no COCO instances file names it.
enum ImageFileID {
    /// Its name without extension as a number when it is one (`000139.jpg` → 139), else the file name.
    static func of(_ path: String) -> COCOImageID {
        let name = (path as NSString).lastPathComponent, stem = (name as NSString).deletingPathExtension
        if let n = Int(stem) { return .number(Double(n)) }
        return .text(name)
    }
}
