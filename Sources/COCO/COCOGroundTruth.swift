import Boxes
import Foundation
import JSONScanning

/// A COCO instances file, as `pycocotools.coco.COCO` reads it for bounding-box evaluation: its images, its
/// categories and its annotations (`bbox` = `[x, y, w, h]`, `area`, `iscrowd`, and for oriented ground truth
/// `rbox` = `[cx, cy, w, h, angle]`, with or without a `bbox`).
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
        /// `bbox` as `[x, y, w, h]` (for an annotation written with an `rbox` alone, the rbox's enclosing box).
        public var bbox: SIMD4<Double>
        /// `area` (or, when absent, `w·h` of the `rbox` if there is one, else of the `bbox`).
        public var area: Double
        /// `rbox` `[cx, cy, w, h, angle]` (radians), when given: what oriented detections are matched with.
        public var rbox: RotatedBox?
        /// `iscrowd`.
        public var isCrowd: Bool
        /// `difficult` (DOTA's flag, kept by `detectkit dota to-coco`; false when absent). Evaluation does not read it.
        public var difficult: Bool = false
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
        let bytes: [UInt8]
        do {
            bytes = try JSONScanner.contents(ofFile: path)
        } catch {
            throw COCOInstancesError(source: path, message: "cannot read: \(error.localizedDescription)")
        }
        try self.init(scanner: JSONScanner(bytes: bytes), source: path)
    }

    /// Reads an instances document held in memory; `source` names it in errors.
    public init(data: Data, source: String) throws {
        try self.init(scanner: JSONScanner(data), source: source)
    }

    private enum ImageField: Int, RecordField {
        case id, fileName, width, height
        static let names = ["id", "file_name", "width", "height"]
    }

    private enum CategoryField: Int, RecordField {
        case id, name
        static let names = ["id", "name"]
    }

    private enum AnnotationField: Int, RecordField {
        case id, imageID, categoryID, bbox, area, isCrowd, rbox, difficult
        static let names = ["id", "image_id", "category_id", "bbox", "area", "iscrowd", "rbox", "difficult"]
    }

    /// A record as read, with where it starts for messages.
    private struct Read<T> {
        var value: T
        var offset: Int
    }

    /// Reads the document in one pass: each record is read where it lies, sections in any order (COCO's own files
    /// put "categories" last), a repeated section replacing the earlier one as in Python's `json`.
    private init(scanner: JSONScanner, source: String) throws {
        self.source = source
        var reader = RecordReader(scanner: scanner, source: source)
        var read: (images: [Read<Image>]?, categories: [Read<Category>]) = (nil, [])
        // Annotations, with their images still to be looked up (the images may come later in the file), and where
        // each starts.
        var annotations: [Annotation] = [], imageIDs: [COCOImageID] = [], offsets: [Int] = []
        do {
            reader.scanner.skipWhitespace()
            guard reader.scanner.position < reader.scanner.end, reader.scanner.bytes[reader.scanner.position] == UInt8(ascii: "{") else {
                _ = try reader.scanner.value()
                throw COCOInstancesError(source: source, message: "expected a JSON object with \"images\", \"annotations\" and \"categories\"")
            }
            if try reader.scanner.beginObject() {
                repeat {
                    let name = try reader.scanner.name(try reader.scanner.memberName())
                    switch name {
                    case "images": read.images = try Self.section("images", &reader, ImageField.self, keepOthers: true, Self.image)
                    case "categories": read.categories = try Self.section("categories", &reader, CategoryField.self, Self.category)
                    case "annotations":
                        (imageIDs, offsets) = ([], [])
                        annotations = try Self.section("annotations", &reader, AnnotationField.self) { r in
                            let (annotation, imageID) = try Self.annotation(r)
                            imageIDs.append(imageID)
                            offsets.append(r.offset)
                            return annotation
                        }
                    default: _ = try reader.scanner.value(depth: 1)
                    }
                } while try reader.scanner.nextMember()
            }
            reader.scanner.skipWhitespace()
            guard reader.scanner.atEnd else { throw reader.scanner.fail("unexpected data after the document") }
        } catch let e as JSONScanner.SyntaxError {
            let (line, column) = reader.scanner.location(e.offset)
            throw COCOInstancesError(source: source, message: "not valid JSON at line \(line), column \(column): \(e.message)")
        }
        // As pycocotools' `createIndex`: "images" must be there, "categories" and "annotations" may be missing
        // (an instances file that only names images and classes, as `annotate --images` takes).
        guard let readImages = read.images else { throw COCOInstancesError(source: source, message: "missing array \"images\"") }
        func error(_ message: String, _ section: StaticString, _ index: Int, _ offset: Int) -> COCOInstancesError {
            RecordReader.error(message, scanner: reader.scanner, source: source, section: section, index: index, offset: offset)
        }
        var imageIndex: [COCOImageID: Int] = [:]
        imageIndex.reserveCapacity(readImages.count)
        for (k, image) in readImages.enumerated() where imageIndex.updateValue(k, forKey: image.value.id) != nil {
            throw error("image id \(image.value.id) appears twice", "images", k, image.offset)
        }
        var categoryIDs: Set<Int> = []
        for (k, c) in read.categories.enumerated() where !categoryIDs.insert(c.value.id).inserted {
            throw error("category id \(c.value.id) appears twice", "categories", k, c.offset)
        }
        var last: (id: COCOImageID, index: Int)?
        for k in annotations.indices {
            let id = imageIDs[k]
            if let last, last.id == id {
                annotations[k].image = last.index
            } else {
                guard let image = imageIndex[id] else { throw error("image_id \(id) is not among the images", "annotations", k, offsets[k]) }
                annotations[k].image = image
                last = (id, image)
            }
            guard categoryIDs.contains(annotations[k].category) else {
                throw error("category_id \(annotations[k].category) is not among the categories", "annotations", k, offsets[k])
            }
        }
        self.images = readImages.map(\.value)
        self.categories = read.categories.map(\.value)
        self.annotations = annotations
        self.imageIndex = imageIndex
    }

    /// The records of the section array at the reader's position, each read into one reused record of `Field`'s
    /// fields and converted by `convert`.
    private static func section<Field: RecordField, T>(
        _ name: StaticString, _ reader: inout RecordReader, _: Field.Type, keepOthers: Bool = false,
        _ convert: (RecordReader.Record<Field>) throws -> T
    ) throws -> [T] {
        reader.scanner.skipWhitespace()
        guard reader.scanner.position < reader.scanner.end, reader.scanner.bytes[reader.scanner.position] == UInt8(ascii: "[") else {
            _ = try reader.scanner.value(depth: 1)
            throw COCOInstancesError(source: reader.source, message: "\"\(name)\" must be an array")
        }
        let record = RecordReader.Record<Field>(reader, naming: .instances(section: name), keepOthers: keepOthers)
        var out: [T] = []
        // Room for a record every 48 bytes of what remains: more than the annotations there can be (the shortest
        // takes 55 bytes), so that growing them never copies; room never used is never touched.
        out.reserveCapacity((reader.scanner.end - reader.scanner.position) / 48)
        guard try reader.scanner.beginArray() else { return out }
        repeat {
            try reader.read(into: record, index: out.count)
            out.append(try convert(record))
        } while try reader.scanner.nextElement()
        return out
    }

    private static func image(_ r: RecordReader.Record<ImageField>) throws -> Read<Image> {
        var flags: [String: Bool] = [:]
        for (name, value) in r.others where value.kind == .bool { flags[try r.scanner.name(name)] = r.bool(value) }
        let image = Image(
            id: try r.imageID(.id), fileName: try r.optionalText(.fileName), width: try r.optionalInteger(.width),
            height: try r.optionalInteger(.height), flags: flags)
        return Read(value: image, offset: r.offset)
    }

    private static func category(_ r: RecordReader.Record<CategoryField>) throws -> Read<Category> {
        Read(value: Category(id: try r.integer(.id), name: try r.optionalText(.name) ?? ""), offset: r.offset)
    }

    /// An annotation (its image not yet looked up) and its `image_id`.
    private static func annotation(_ r: RecordReader.Record<AnnotationField>) throws -> (Annotation, COCOImageID) {
        let imageID = try r.imageID(.imageID)
        let category = try r.integer(.categoryID)
        let rbox = try r.rotatedBox(.rbox)
        let bbox: SIMD4<Double>
        if let rbox, r[.bbox] == nil {
            let e = rbox.enclosingBox
            bbox = SIMD4(Double(e.x1), Double(e.y1), Double(e.x2) - Double(e.x1), Double(e.y2) - Double(e.y1))
        } else {
            bbox = try r.box(.bbox)
        }
        let area = try r.optionalNumber(.area) ?? rbox.map { Double($0.width) * Double($0.height) } ?? bbox.z * bbox.w
        guard area.isFinite else { throw r.error("no \"area\", and the bbox's w·h = \(bbox.z)·\(bbox.w) overflows") }
        let annotation = Annotation(
            id: try r.number(.id), image: -1, category: category, bbox: bbox, area: area, rbox: rbox, isCrowd: try r.flag(.isCrowd),
            difficult: try r.flag(.difficult))
        return (annotation, imageID)
    }
}
