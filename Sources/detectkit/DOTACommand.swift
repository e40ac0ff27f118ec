import ArgumentParser
import DetectKit
import Foundation
import JSONScanning

/// `detectkit dota`: DOTA's text files to and from COCO JSON.
struct DOTACommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dota",
        abstract: "Convert DOTA label files to COCO instances with rbox, and oriented results to DOTA's Task 1 files.",
        subcommands: [DOTAToCOCO.self, DOTAFromCOCO.self])
}

/// `detectkit dota to-coco`: a folder of DOTA label files as one COCO instances file.
struct DOTAToCOCO: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "to-coco",
        abstract: "DOTA label files (x1 y1 … x4 y4 category difficult) to COCO instances JSON with rbox.",
        discussion: """
            Each LABELS_DIR/<name>.txt is one image (ids 1, 2, … in name order); categories are the names found, \
            sorted (ids 1, 2, …). Each object becomes an annotation with "rbox": [cx, cy, w, h, angle] (the \
            smallest rectangle holding its quadrilateral, as Ultralytics' DOTA conversion computes it), "bbox" \
            (the rbox's enclosing box), "area" (w·h), "iscrowd" 0, "difficult" and "poly" (the corners as \
            written). With --images, each image's file (<name> with any extension) gives its file_name, width \
            and height. A file with a bad line (not convex, crossing itself, not a number) is named with the \
            line and left out; the others are written, and the exit status is 1.
            """)

    @Argument(help: "Folder of DOTA label files (*.txt).")
    var labels: String

    @Option(help: "Folder of the images (file names and sizes).")
    var images: String?

    @Option(name: .shortAndLong, help: "The COCO instances JSON to write.")
    var output: String

    func run() throws {
        var failures: [String] = []
        try CommandFailure.report {
            let files = try FileManager.default.contentsOfDirectory(atPath: labels).filter { $0.hasSuffix(".txt") }.sorted()
            let imageFiles = try images.map { try FileManager.default.contentsOfDirectory(atPath: $0) } ?? []
            var read: [(stem: String, labels: DOTALabels)] = []
            for file in files {
                do {
                    read.append(((file as NSString).deletingPathExtension, try DOTALabels(contentsOf: (labels as NSString).appendingPathComponent(file))))
                } catch {
                    failures.append(CommandFailure.naming(file, error))
                }
            }
            let names = Set(read.flatMap { $0.labels.objects.map(\.category) }).sorted()
            let categoryID = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0 + 1) })
            var imageRecords: [JSONValue] = [], annotations: [JSONValue] = []
            for (k, entry) in read.enumerated() {
                var image: [(String, JSONValue)] = [("id", .int(k + 1))]
                if let images, let file = imageFiles.sorted().first(where: { ($0 as NSString).deletingPathExtension == entry.stem }) {
                    let path = (images as NSString).appendingPathComponent(file)
                    do {
                        let decoded = try Image(contentsOfFile: path)
                        image += [("file_name", .string(file)), ("width", .int(decoded.width)), ("height", .int(decoded.height))]
                    } catch {
                        failures.append(CommandFailure.naming(path, error))
                        image.append(("file_name", .string(file)))
                    }
                } else {
                    image.append(("file_name", .string(entry.stem + ".png")))
                }
                imageRecords.append(.object(image))
                for o in entry.labels.objects {
                    let r = o.rbox, e = r.enclosingBox
                    annotations.append(.object([
                        ("id", .int(annotations.count + 1)), ("image_id", .int(k + 1)), ("category_id", .int(categoryID[o.category] ?? 0)),
                        ("rbox", .array([r.cx, r.cy, r.width, r.height, r.angle].map { .float($0) })),
                        ("bbox", .array([e.x1, e.y1, e.x2 - e.x1, e.y2 - e.y1].map { .float($0) })),
                        ("area", .double(Double(r.width) * Double(r.height))), ("iscrowd", .int(0)), ("difficult", .int(o.difficult ? 1 : 0)),
                        ("poly", .array(o.corners.flatMap { [JSONValue.double($0.x), .double($0.y)] })),
                    ]))
                }
            }
            let categories = names.enumerated().map { JSONValue.object([("id", .int($0 + 1)), ("name", .string($1))]) }
            let document = JSONValue.object([("images", .array(imageRecords)), ("categories", .array(categories)), ("annotations", .array(annotations))])
            try AtomicFile.write(Data((document.text + "\n").utf8), to: output)
        }
        for line in failures { CommandFailure.standardError("detectkit: error: \(line)") }
        if !failures.isEmpty { throw ExitCode.failure }
    }
}

/// `detectkit dota from-coco`: oriented COCO results as DOTA's Task 1 submission files, or oriented instances as
/// DOTA label files.
struct DOTAFromCOCO: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "from-coco",
        abstract: "Oriented COCO results to DOTA Task 1 files, or oriented COCO instances to DOTA label files.",
        discussion: """
            With --ground-truth, INPUT is a results file: one Task1_<category>.txt per category, each line \
            "<image name> <score> x1 y1 x2 y2 x3 y3 x4 y4", the corners of the record's rbox in Ultralytics' order; \
            the image name is its file_name without extension and the category its name, both from the ground \
            truth. Without it, INPUT is an instances file: one <image name>.txt label file per image, each \
            annotation as "x1 y1 x2 y2 x3 y3 x4 y4 category difficult". Every record or annotation needs an rbox.
            """)

    @Argument(help: "COCO results JSON (with --ground-truth) or instances JSON, records with rbox.")
    var results: String

    @Option(name: .long, help: "COCO instances JSON: image file names and category names (INPUT is then results).")
    var groundTruth: String?

    @Option(name: .shortAndLong, help: "Folder to write the files into.")
    var output: String

    func run() throws {
        try CommandFailure.report {
            try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
            guard let groundTruth else { return try writeLabels(COCOGroundTruth(contentsOf: results)) }
            let truth = try COCOGroundTruth(contentsOf: groundTruth)
            let records = try COCOResults(contentsOf: results)
            let d = records.detections
            guard let rotated = d.rotated else {
                throw COCOResultsError(source: results, record: records.orientationMismatch ?? 0, message: "has no \"rbox\": DOTA files need oriented boxes")
            }
            let names = Dictionary(truth.categories.map { ($0.id, $0.name.isEmpty ? String($0.id) : $0.name) }, uniquingKeysWith: { a, _ in a })
            var lines: [String: [String]] = [:]
            for i in 0..<d.count {
                let id = records.imageIDs[d.images[i]]
                guard let image = truth.imageIndex[id] else {
                    throw COCOResultsError(source: results, record: i, message: "image_id \(id) is not in \(groundTruth)")
                }
                guard let category = names[d.categories[i]] else {
                    throw COCOResultsError(source: results, record: i, message: "category_id \(d.categories[i]) is not in \(groundTruth)")
                }
                let file = truth.images[image].fileName ?? "\(id)"
                let corners = rotated[i].corners.flatMap { ["\($0.x)", "\($0.y)"] }
                lines[category, default: []].append(([(file as NSString).deletingPathExtension, "\(d.scores[i])"] + corners).joined(separator: " "))
            }
            for (category, rows) in lines {
                try AtomicFile.write(Data(rows.map { $0 + "\n" }.joined().utf8), to: (output as NSString).appendingPathComponent("Task1_\(category).txt"))
            }
        }
    }

    /// One label file per image of `truth` (images without annotations get an empty one).
    private func writeLabels(_ truth: COCOGroundTruth) throws {
        if let k = truth.annotations.firstIndex(where: { $0.rbox == nil }) {
            throw ValidationError("\(results): annotations[\(k)] has no \"rbox\": DOTA files need oriented boxes")
        }
        let names = Dictionary(truth.categories.map { ($0.id, $0.name.isEmpty ? String($0.id) : $0.name) }, uniquingKeysWith: { a, _ in a })
        let byImage = Dictionary(grouping: truth.annotations, by: \.image)
        for (k, image) in truth.images.enumerated() {
            let objects = try (byImage[k] ?? []).compactMap { a -> DOTALabels.Object? in
                guard let r = a.rbox else { return nil }
                do {
                    return try DOTALabels.Object(
                        corners: r.corners.map { SIMD2(Double($0.x), Double($0.y)) }, category: names[a.category] ?? String(a.category),
                        difficult: a.difficult)
                } catch let e as DOTAError {
                    throw ValidationError("\(results): annotation \(a.id): rbox \(r): \(e.message)")
                }
            }
            let name = ((image.fileName ?? "\(image.id)") as NSString).deletingPathExtension
            try AtomicFile.write(Data(DOTALabels(objects: objects).text.utf8), to: (output as NSString).appendingPathComponent(name + ".txt"))
        }
    }
}
