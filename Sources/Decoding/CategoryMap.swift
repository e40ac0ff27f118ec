import Boxes

/// Class indices to COCO `category_id`s, so that decoded detections evaluate against COCO ground truth.
///
/// ``coco80`` is the standard mapping of the 80 classes that YOLO models are trained on to the 91 ids of
/// COCO's annotation files (Ultralytics' `coco80_to_coco91_class`). ``init(categoryIDs:)`` takes any table, for
/// example the ids of an instances file's categories in ascending order.
public struct CategoryMap: Sendable, Equatable {
    /// `categoryIDs[i]` is the id of class index `i`.
    public let categoryIDs: [Int]

    /// A mapping from a table of ids, one per class index.
    public init(categoryIDs: [Int]) {
        self.categoryIDs = categoryIDs
    }

    /// The 80 COCO classes to COCO's category ids 1–90.
    public static let coco80 = CategoryMap(categoryIDs: [
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 27, 28, 31, 32, 33, 34,
        35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63,
        64, 65, 67, 70, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 84, 85, 86, 87, 88, 89, 90,
    ])

    /// `detections` with each class index replaced by its id; throws, naming `source`, for an index the table
    /// does not hold.
    public func apply(to detections: Detections, source: String) throws -> Detections {
        var mapped = detections
        for (k, index) in detections.categories.enumerated() {
            guard categoryIDs.indices.contains(index) else {
                throw DecodingError(
                    source: source, message: "class index \(index) has no category id: the category map holds \(categoryIDs.count)")
            }
            mapped.categories[k] = categoryIDs[index]
        }
        return mapped
    }
}
