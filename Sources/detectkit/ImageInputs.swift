import DetectKit
import Foundation

/// The image files a command was given: files as they are, folders expanded to their PNG and JPEG files (not
/// recursively), sorted by name.
enum ImageInputs {
    static let extensions: Set<String> = ["png", "jpg", "jpeg"]

    static func files(_ arguments: [String]) throws -> [String] {
        var out: [String] = []
        for path in arguments {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
                throw ImagingError.io(path: path, message: "no such file or folder")
            }
            if isFolder.boolValue {
                let names = try FileManager.default.contentsOfDirectory(atPath: path).sorted()
                out += names.filter { extensions.contains(($0 as NSString).pathExtension.lowercased()) }
                    .map { (path as NSString).appendingPathComponent($0) }
            } else {
                out.append(path)
            }
        }
        return out
    }
}
