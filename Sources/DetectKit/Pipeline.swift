import Foundation

/// From images to named, suppressed, drawn boxes: a source of raw detections (the bundled detector, another
/// `LargeKernelDetector`, a COCO results file, or any model of yours), a suppressor, and optionally a
/// `BoxNamer` that names each kept box zero-shot. With a ``Tiling`` the source runs on overlapping tiles of the
/// image and their survivors are merged (slicing-aided inference, as SAHI).
///
/// ```swift
/// let pipeline = try Pipeline.bundled(labels: ["red circle", "blue star"])   // bundled detector, nms, bundled CLIP
/// let result = try pipeline.run(Image(contentsOfFile: "scene.png"))
/// try result.drawn().write(toFile: "scene-annotated.png")
/// ```
///
/// `detectkit detect`, `annotate` and `compare SAMPLES_DIR` are this type behind their options.
public struct Pipeline: Sendable {
    /// Where an image's raw detections come from.
    public enum Source: Sendable {
        /// A detector run on the image (its own score threshold when nil).
        case detector(LargeKernelDetector, scoreThreshold: Float? = nil)
        /// The records of a COCO results file whose `image_id` names the image's file: the id its file name has in
        /// `catalog` when one is given, else an id that `COCOImageID/names(fileName:)` matches.
        case results(COCOResults, catalog: COCOCatalog? = nil)
        /// A model of yours: its raw detections of an image, boxes in the image's pixels.
        case model(@Sendable (Image) throws -> Detections)
    }

    /// One image through the pipeline.
    public struct Result: Sendable {
        /// The image.
        public var image: Image
        /// Its raw detections, before suppression (of every region, in the image's pixels, when tiled).
        public var raw: Detections
        /// The regions the source ran on: the whole image, or the tiling's tiles (and the whole image).
        public var regions: [Slicer.Tile]
        /// The region (index into ``regions``) of each raw detection.
        public var regionOfRaw: [Int]
        /// The survivors, by score: boxes, scores, categories (and deviations when the raw ones had them).
        public var kept: Detections
        /// The name of each kept box, when the pipeline has a namer (nil for a box outside the image).
        public var names: [BoxNamer.Name?]
        /// Category names by id, for labels.
        public var categoryNames: [Int: String]

        /// One annotation per kept box: labelled `name probability` when the box was named (coloured by name),
        /// else `category score` (coloured by category); oriented boxes drawn as their rectangles.
        public var annotations: [Annotation] { annotations(above: nil) }

        /// The positions in ``kept`` of the boxes scoring above `confidence` (all of them when nil), the boxes
        /// Ultralytics' `predict(conf=…)` shows.
        public func shown(above confidence: Float?) -> [Int] {
            (0..<kept.count).filter { i in confidence.map { kept.scores[i] > $0 } ?? true }
        }

        /// ``annotations`` of the boxes ``shown(above:)``.
        public func annotations(above confidence: Float?) -> [Annotation] {
            shown(above: confidence).map { i in
                func annotation(_ label: String, _ color: Int) -> Annotation {
                    kept.rotated.map { Annotation(rotated: $0[i], label: label, colorIndex: color) }
                        ?? Annotation(box: kept.boxes[i], label: label, colorIndex: color)
                }
                if i < names.count, let name = names[i] {
                    return annotation("\(name.label) \(Self.twoDecimals(name.probability))", name.index)
                }
                let category = kept.categories[i]
                return annotation("\(categoryNames[category] ?? String(category)) \(Self.twoDecimals(kept.scores[i]))", category)
            }
        }

        /// The image with ``annotations`` drawn: those scoring above `confidence`, or all when nil.
        public func drawn(style: DrawingStyle = .init(), above confidence: Float? = nil) -> Image {
            image.drawing(annotations(above: confidence), style: style)
        }

        static func twoDecimals(_ v: Float) -> String { String(format: "%.2f", v) }
    }

    /// Where raw detections come from.
    public var source: Source
    /// What thins them; nil keeps every raw detection.
    public var suppressor: (any Suppressor)?
    /// Grouping, score threshold and caps of the suppression.
    public var options: SuppressionOptions
    /// Names each kept box zero-shot, when set.
    public var namer: BoxNamer?
    /// Category names by id, for labels (a detector's own by default).
    public var categoryNames: [Int: String]
    /// Run the source on tiles and merge, when set (a detector or model source only).
    public var tiling: Tiling?
    /// For a results source whose records all carry an `rbox`: take their `bbox` instead of the oriented boxes.
    public var axisAlignedRecords = false

    /// A pipeline from its parts. `categoryNames` default to the detector's categories for a detector source.
    public init(
        source: Source, suppressor: (any Suppressor)? = GreedyNMS.nms(), options: SuppressionOptions = .init(),
        namer: BoxNamer? = nil, categoryNames: [Int: String]? = nil, tiling: Tiling? = nil
    ) {
        self.source = source
        self.suppressor = suppressor
        self.options = options
        self.namer = namer
        self.tiling = tiling
        if let categoryNames {
            self.categoryNames = categoryNames
        } else if case .detector(let detector, _) = source {
            self.categoryNames = Dictionary(detector.configuration.categories.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        } else {
            self.categoryNames = [:]
        }
    }

    /// The bundled detector, `suppressor` (default greedy NMS), and with `labels` the bundled CLIP model naming
    /// every kept box among them. Throws when this build bundles no model, or for an empty label.
    public static func bundled(labels: [String]? = nil, suppressor: (any Suppressor)? = GreedyNMS.nms()) throws -> Pipeline {
        guard let detectorFolder = BundledModels.detectorDirectory else { throw BundledModels.Missing(model: "detector") }
        let namer = try labels.map { labels -> BoxNamer in
            guard let clipFolder = BundledModels.clipDirectory else { throw BundledModels.Missing(model: "CLIP model") }
            return try BoxNamer(labels: labels, modelDirectory: clipFolder, threads: ProcessInfo.processInfo.activeProcessorCount)
        }
        return Pipeline(source: .detector(try LargeKernelDetector(directory: detectorFolder)), suppressor: suppressor, namer: namer)
    }

    /// Runs one image: raw detections, suppression, names. `file` is the image's path, which a
    /// ``Source/results(_:catalog:)`` source needs to find its records. With a ``tiling``, its regions run on up
    /// to `threads` threads at once (the result does not depend on how many); without, `threads` is unused.
    public func run(_ image: Image, file: String? = nil, threads: Int = 1) throws -> Result {
        let raw: Detections, regions: [Slicer.Tile], regionOfRaw: [Int], survivors: [KeptDetection]?
        if let tiling {
            regions = try tiling.regions(imageWidth: image.width, imageHeight: image.height)
            (raw, regionOfRaw) = try tiling.detect(image, threads: threads, model: try regionModel())
            survivors = suppressor == nil ? nil : try tiling.keep(raw, regions: regionOfRaw, suppressor: suppressor, options: options)
        } else {
            raw = try rawDetections(image, file: file)
            regions = [Slicer.Tile(x: 0, y: 0, width: image.width, height: image.height)]
            regionOfRaw = [Int](repeating: 0, count: raw.count)
            survivors = try suppressor?.apply(to: raw, options: options)
        }
        let kept = try survivors.map { survivors in
            try Detections(
                boxes: BoxArray(survivors.map(\.box)), scores: survivors.map(\.score),
                categories: survivors.map { raw.categories[$0.index] },
                deviations: raw.deviations.map { d in survivors.map { d[$0.index] } },
                rotated: raw.rotated == nil ? nil : survivors.compactMap(\.rotated))
        } ?? raw
        let names = try namer?.name(kept.boxes, in: image) ?? []
        return Result(
            image: image, raw: raw, regions: regions, regionOfRaw: regionOfRaw, kept: kept, names: names,
            categoryNames: categoryNames)
    }

    /// Runs image files, in parallel over `threads` threads (each image on one), going on past a file that fails,
    /// and hands each result to `transform` on the thread that made it (write it out, keep what you need), so a
    /// batch of large images is never all in memory. One outcome per file, in order: what `transform` returned,
    /// or the error of decoding, running or transforming that file. `progress` is called as each file finishes.
    /// With a ``tiling``, the threads left over when there are fewer files than threads run tiles.
    public func run<T: Sendable>(
        files: [String], decode: DecodeOptions = .init(), threads: Int = ProcessInfo.processInfo.activeProcessorCount,
        progress: @escaping @Sendable () -> Void = {}, transform: @escaping @Sendable (_ index: Int, _ result: Result) throws -> T
    ) -> [Swift.Result<T, Error>] {
        let outcomes = Outcomes<Swift.Result<T, Error>>(count: files.count)
        let workers = max(1, min(threads, files.count)), tileThreads = max(1, threads / workers)
        ParallelLoop.forEach(files.count, threads: workers) { i in
            outcomes.set(i, Swift.Result {
                try transform(i, run(Image(contentsOfFile: files[i], options: decode), file: files[i], threads: tileThreads))
            })
            progress()
        }
        return outcomes.all
    }

    /// The source as a model of one region's pixels; a results source has none (its records are of whole images).
    private func regionModel() throws -> @Sendable (Image) throws -> Detections {
        switch source {
        case .detector(let detector, let threshold): return { try detector.detect($0, scoreThreshold: threshold) }
        case .model(let model): return model
        case .results: throw PipelineError.tilesNeedAModel
        }
    }

    /// The source's raw detections of one image.
    private func rawDetections(_ image: Image, file: String?) throws -> Detections {
        switch source {
        case .detector(let detector, let threshold):
            return try detector.detect(image, scoreThreshold: threshold)
        case .model(let model):
            return try model(image)
        case .results(let results, let catalog):
            guard let file else { throw PipelineError.fileNeeded }
            let name = file.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? file
            let id = catalog.map { $0.imageIDs[name] } ?? results.imageIDs.first { $0.names(fileName: name) }
            guard let key = id.flatMap({ results.imageIDs.firstIndex(of: $0) }) else { return try Detections(boxes: BoxArray(), scores: []) }
            let d = try results.detections(axisAligned: axisAlignedRecords)
            return d.gathering(d.images.indices.filter { d.images[$0] == key })
        }
    }
}

/// Why a ``Pipeline`` could not run an image.
public enum PipelineError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A results source matches records to images by file name, and none was given.
    case fileNeeded
    /// Tiles need a detector or a model to run on them; the records of a results file are of whole images.
    case tilesNeedAModel
    /// Tiled results were asked of a pipeline without a tiling.
    case untiled

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .fileNeeded: return "a pipeline reading COCO results needs the image's file name (run(_:file:))"
        case .tilesNeedAModel: return "tiles need a detector or a model to run on them, not the records of a results file"
        case .untiled: return "tiled results need a pipeline with a tiling"
        }
    }
}

extension Pipeline {
    /// The pipeline's detections (``Result/kept``; the raw ones when it has no suppressor) of every image of a
    /// ground truth, found in `folder` by `file_name`, as COCO results with the ground truth's image ids: what
    /// `detectkit compare SAMPLES_DIR` evaluates. Throws for the first image that has no `file_name` or fails.
    public func results(
        for truth: COCOGroundTruth, imagesIn folder: String, threads: Int = ProcessInfo.processInfo.activeProcessorCount,
        progress: @escaping @Sendable () -> Void = {}
    ) throws -> COCOResults {
        let images = try perImage(of: truth, in: folder, threads: threads, progress: progress) { $0.kept }
        return try COCOResults(images: images, source: "\(source.description) on \(folder)")
    }

    /// The raw detections of every region of every image of a ground truth (found in `folder` by `file_name`), with
    /// the region of each record: what `detectkit compare SAMPLES_DIR --slice` compares methods on. Throws
    /// ``PipelineError/untiled`` without a ``tiling``, and for the first image that has no `file_name` or fails.
    public func tiledResults(
        for truth: COCOGroundTruth, imagesIn folder: String, threads: Int = ProcessInfo.processInfo.activeProcessorCount,
        progress: @escaping @Sendable () -> Void = {}
    ) throws -> TiledResults {
        guard let tiling else { throw PipelineError.untiled }
        let images = try perImage(of: truth, in: folder, threads: threads, progress: progress) { ($0.raw, $0.regionOfRaw) }
        return TiledResults(
            raw: try COCOResults(images: images.map { ($0.id, $0.detections.0) }, source: "\(source.description) on tiles of \(folder)"),
            regions: images.flatMap(\.detections.1), tiling: tiling)
    }

    /// `transform` of every image of `truth` run through the pipeline, with the image's id, in the ground truth's order.
    private func perImage<T: Sendable>(
        of truth: COCOGroundTruth, in folder: String, threads: Int, progress: @escaping @Sendable () -> Void,
        _ transform: @escaping @Sendable (Result) -> T
    ) throws -> [(id: COCOImageID, detections: T)] {
        let files = try truth.images.enumerated().map { k, image in
            guard let name = image.fileName else { throw COCOInstancesError(source: truth.source, record: "images[\(k)]", message: "no file_name") }
            return (folder as NSString).appendingPathComponent(name)
        }
        let outcomes = run(files: files, threads: threads, progress: progress) { _, result in transform(result) }
        return try zip(truth.images, outcomes).map { image, outcome in (id: image.id, detections: try outcome.get()) }
    }
}

extension Pipeline.Source: CustomStringConvertible {
    /// `detector`, `results FILE` or `model`, for messages.
    public var description: String {
        switch self {
        case .detector: return "detector"
        case .results(let results, _): return "results \(results.source)"
        case .model: return "model"
        }
    }
}
