import Foundation

/// Folders that outputs go into (`annotate -o`, `compare --report`): created with their parents when missing.
public enum OutputFolder {
    /// Creates `path` when missing; a path that cannot be a folder (a file in the way, no permission) is an error
    /// naming it and saying why, not Foundation's error domain dump.
    public static func create(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw ImagingError.io(path: path, message: "cannot create the folder: \(reason(path, error))")
        }
    }

    /// Why `path` could not be created: the file in its way (itself or an ancestor), else the system's reason.
    private static func reason(_ path: String, _ error: Error) -> String {
        var prefix = path
        while !prefix.isEmpty && prefix != "/" {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: prefix, isDirectory: &isFolder) {
                if !isFolder.boolValue { return "\(prefix) is a file" }
                break
            }
            prefix = (prefix as NSString).deletingLastPathComponent
        }
        if let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return error.localizedDescription
    }
}
