import Foundation
import JSONScanning

/// A COCO instances file, as `pycocotools.coco.COCO` reads it for bounding-box evaluation: its images, its
/// categories and its annotations (`bbox` = `[x, y, w, h]`, `area`, `iscrowd`).
///
/// Values are kept in `Double` as written, because the evaluation must reproduce pycocotools' float64
/// arithmetic. As in pycocotools, an annotation's `ignore` field is not read: a ground-truth box is ignored
/// exactly when it is a crowd region (`iscrowd` true), and area ranges are judged by its `area` field (for
/// COCO's own files the *segmentation* area), not by `w·h`. An annotation without `area` is given `w·h`
/// (pycocotools would stop with a `KeyError`). Missing `categories` or `annotations` read as empty, as in
/// pycocotools; `images` must be there.
public struct COCOGroundTruth: Sendable {
    /// One image record.
    public struct Image: Sendable, Equatable {
        /// `id`.
        public var id: COCOImageID
        /// `file_name`, if present.
        public var fileName: String?
        /// `width` and `height`, if present.
        public var width: Int?, height: Int?
        /// Any boolean fields of the record (for example a generator's `"crowded": true`), by name.
        public var flags: [String: Bool]
    }

    /// One category record.
    public struct Category: Sendable, Equatable {
        /// `id`.
        public var id: Int
        /// `name` (empty when absent).
        public var name: String
    }

    /// One annotation.
    public struct Annotation: Sendable, Equatable {
        /// `id`. pycocotools records matches by id and treats 0 as "no match", so an annotation with id 0 is
        /// never counted as matched (reproduced, not fixed).
        public var id: Double
        /// Position of its image in ``images``.
        public var image: Int
        /// `category_id`.
        public var category: Int
        /// `bbox` as `[x, y, w, h]`.
        public var bbox: SIMD4<Double>
        /// `area` (or `w·h` when absent).
        public var area: Double
        /// `iscrowd`.
        public var isCrowd: Bool
    }

    /// Where it was read from, for messages.
    public let source: String
    /// The images, in file order.
    public let images: [Image]
    /// The categories, in file order.
    public let categories: [Category]
    /// The annotations, in file order.
    public let annotations: [Annotation]
    /// Position in ``images`` of each image id.
    public let imageIndex: [COCOImageID: Int]

    /// Reads an instances file; throws ``COCOInstancesError`` naming the file, the section, the record and what is
    /// wrong with it.
    public init(contentsOf path: String) throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw COCOInstancesError(source: path, message: "cannot read: \(error.localizedDescription)")
        }
        try self.init(data: data, source: path)
    }

    /// Reads an instances document held in memory; `source` names it in errors.
    public init(data: Data, source: String) throws {
        self.source = source
        var scanner = JSONScanner(data)
        let top: [(key: String, value: JSONScanner.Value)]
        do {
            let root = try scanner.value()
            scanner.skipWhitespace()
            guard scanner.atEnd else { throw scanner.fail("unexpected data after the document") }
            guard root.kind == .object else {
                throw COCOInstancesError(source: source, message: "expected a JSON object with \"images\", \"annotations\" and \"categories\"")
            }
            top = try scanner.members(root)
        } catch let e as JSONScanner.SyntaxError {
            let (line, column) = scanner.location(e.offset)
            throw COCOInstancesError(source: source, message: "not valid JSON at line \(line), column \(column): \(e.message)")
        }
        let reader = RecordReader(scanner: scanner, source: source)
        // As pycocotools' `createIndex`: "images" must be there, "categories" and "annotations" may be missing
        // (an instances file that only names images and classes, as `annotate --images` takes).
        func section(_ name: String, required: Bool = false) throws -> [JSONScanner.Value] {
            guard let v = top.last(where: { $0.key == name })?.value else {
                if required { throw COCOInstancesError(source: source, message: "missing array \"\(name)\"") }
                return []
            }
            guard v.kind == .array else { throw COCOInstancesError(source: source, message: "\"\(name)\" must be an array") }
            return try reader.scanner.elements(v)
        }

        var images: [Image] = [], imageIndex: [COCOImageID: Int] = [:]
        for (k, v) in try section("images", required: true).enumerated() {
            let r = try reader.record(v, section: "images", index: k)
            let id = try r.imageID("id")
            guard imageIndex[id] == nil else { throw r.error("image id \(id) appears twice") }
            imageIndex[id] = images.count
            var flags: [String: Bool] = [:]
            for (key, value) in r.fields where value.kind == .bool { flags[key] = r.bool(value) }
            images.append(Image(
                id: id, fileName: try r.optionalText("file_name"), width: try r.optionalInteger("width"),
                height: try r.optionalInteger("height"), flags: flags))
        }
        var categories: [Category] = [], categoryIDs: Set<Int> = []
        for (k, v) in try section("categories").enumerated() {
            let r = try reader.record(v, section: "categories", index: k)
            let id = try r.integer("id")
            guard categoryIDs.insert(id).inserted else { throw r.error("category id \(id) appears twice") }
            categories.append(Category(id: id, name: try r.optionalText("name") ?? ""))
        }
        var annotations: [Annotation] = []
        for (k, v) in try section("annotations").enumerated() {
            let r = try reader.record(v, section: "annotations", index: k)
            let imageID = try r.imageID("image_id")
            guard let image = imageIndex[imageID] else { throw r.error("image_id \(imageID) is not among the images") }
            let category = try r.integer("category_id")
            guard categoryIDs.contains(category) else { throw r.error("category_id \(category) is not among the categories") }
            let bbox = try r.box("bbox")
            let area = try r.optionalNumber("area") ?? bbox.z * bbox.w
            guard area.isFinite else { throw r.error("no \"area\", and the bbox's w·h = \(bbox.z)·\(bbox.w) overflows") }
            annotations.append(Annotation(
                id: try r.number("id"), image: image, category: category, bbox: bbox, area: area, isCrowd: try r.flag("iscrowd")))
        }
        self.images = images
        self.categories = categories
        self.annotations = annotations
        self.imageIndex = imageIndex
    }
}
