/// The image and category names of a COCO instances file, as a view of its ``COCOGroundTruth``: how
/// `detectkit annotate --images` and `detect --images` tie results to files and name classes.
public struct COCOCatalog: Sendable {
    /// Image ids by file name (the last path component of `file_name`; images without one are left out).
    public let imageIDs: [String: COCOImageID]
    /// Category names by id.
    public let categoryNames: [Int: String]

    /// The catalog of an instances file already read.
    public init(_ groundTruth: COCOGroundTruth) {
        var ids: [String: COCOImageID] = [:]
        for image in groundTruth.images {
            guard let name = image.fileName else { continue }
            ids[name.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? name] = image.id
        }
        imageIDs = ids
        categoryNames = Dictionary(groundTruth.categories.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
    }

    /// Reads an instances file as ``COCOGroundTruth`` does (throwing ``COCOInstancesError`` naming the file and
    /// the record at fault) and keeps its names.
    public init(contentsOf path: String) throws {
        self.init(try COCOGroundTruth(contentsOf: path))
    }
}
