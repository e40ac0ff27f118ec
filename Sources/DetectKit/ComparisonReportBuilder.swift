import Foundation
import Synchronization

/// Writes the `compare --report` folder: `index.html` (``ComparisonReport``) and, when the images are at hand, one
/// PNG grid per image under `grids/` showing the ground truth and each method's kept boxes side by side
/// (``ComparisonGrid``). A grid that cannot be made (an unreadable image) is reported and the others are written.
public struct ComparisonReportBuilder: Sendable {
    /// Folder of the ground truth's images (found by `file_name`, or by its last path component); nil: no grids.
    public var imageFolder: String?
    /// Grids for at most this many images, the first of the ground truth.
    public var gridImages: Int
    /// Kept boxes scoring at least this are drawn in the grids.
    public var drawThreshold: Float

    /// A builder; the defaults are the command line's.
    public init(imageFolder: String? = nil, gridImages: Int = 50, drawThreshold: Float = 0.3) {
        self.imageFolder = imageFolder
        self.gridImages = gridImages
        self.drawThreshold = drawThreshold
    }

    /// Writes the report of `comparison` (of `results` against `truth`) into `folder`; returns one message per
    /// grid that failed, naming its image. `progress` is called as each grid finishes.
    public func write(
        _ comparison: MethodComparison, groundTruth truth: COCOGroundTruth, results: COCOResults, to folder: String,
        progress: @Sendable () -> Void = {}
    ) throws -> [String] {
        try OutputFolder.create((folder as NSString).appendingPathComponent("grids"))
        let names = Dictionary(truth.categories.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let (grids, failures) = try imageFolder.map { try writeGrids(comparison, truth, results, names, from: $0, to: folder, progress) } ?? ([], [])
        let page = ComparisonReport(
            subtitle: "ground truth \((truth.source as NSString).lastPathComponent) (\(truth.images.count) images, "
                + "\(truth.annotations.count) boxes), raw detections \((results.source as NSString).lastPathComponent) (\(results.count) boxes)",
            comparison: comparison, categoryNames: names, grids: grids)
        try AtomicFile.write(Data(page.html.utf8), to: (folder as NSString).appendingPathComponent("index.html"))
        return failures
    }

    /// The grids written (in display order) and the failures.
    private func writeGrids(
        _ c: MethodComparison, _ truth: COCOGroundTruth, _ results: COCOResults, _ names: [Int: String], from images: String,
        to folder: String, _ progress: @Sendable () -> Void
    ) throws -> ([ComparisonReport.Grid], [String]) {
        let shown = Array(truth.images.enumerated().compactMap { e in e.element.fileName.map { (e.offset, $0) } }.prefix(max(0, gridImages)))
        // Kept boxes per method, per ground-truth image.
        let imageOfKey = results.imageIDs.map { truth.imageIndex[$0] }
        let perMethod = c.outcomes.map { o in
            Dictionary(grouping: o.kept.filter { $0.score >= drawThreshold }) { imageOfKey[results.detections.images[$0.index]] ?? -1 }
        }
        let truthByImage = Dictionary(grouping: truth.annotations, by: \.image)
        // An oriented comparison draws the ground truth's rboxes too.
        let oriented = c.outcomes.contains { $0.kept.contains { $0.rotated != nil } }
        let entries = shown.enumerated().map { n, entry in
            let stem = ((entry.1 as NSString).lastPathComponent as NSString).deletingPathExtension
            return ComparisonReport.Grid(title: entry.1, path: "grids/\(n)-\(stem).png")
        }
        let outcome = Mutex<(written: Set<Int>, failures: [Int: String])>(([], [:]))
        DispatchQueue.concurrentPerform(iterations: shown.count) { n in
            defer { progress() }
            let (index, file) = shown[n]
            let direct = (images as NSString).appendingPathComponent(file)
            let path = FileManager.default.fileExists(atPath: direct)
                ? direct : (images as NSString).appendingPathComponent((file as NSString).lastPathComponent)
            do {
                let truthPanel = (truthByImage[index] ?? []).map {
                    let label = ($0.isCrowd ? "crowd " : "") + (names[$0.category] ?? String($0.category))
                    if oriented, let r = $0.rbox { return Annotation(rotated: r, label: label, colorIndex: $0.category) }
                    return Annotation(
                        box: Box(x1: Float($0.bbox.x), y1: Float($0.bbox.y), x2: Float($0.bbox.x + $0.bbox.z), y2: Float($0.bbox.y + $0.bbox.w)),
                        label: label, colorIndex: $0.category)
                }
                var panels = [ComparisonGrid.Panel(caption: "ground truth (\(truthPanel.count))", annotations: truthPanel)]
                for (m, o) in c.outcomes.enumerated() {
                    let kept = perMethod[m][index] ?? []
                    panels.append(.init(
                        caption: "\(o.method.description) (\(kept.count))",
                        annotations: kept.map {
                            let category = results.detections.categories[$0.index]
                            let label = "\(names[category] ?? String(category)) \(String(format: "%.2f", $0.score))"
                            return $0.rotated.map { Annotation(rotated: $0, label: label, colorIndex: category) }
                                ?? Annotation(box: $0.box, label: label, colorIndex: category)
                        }))
                }
                let grid = try ComparisonGrid.render(Image(contentsOfFile: path), panels: panels)
                try AtomicFile.write(try grid.encoded(.png()), to: (folder as NSString).appendingPathComponent(entries[n].path))
                outcome.withLock { _ = $0.written.insert(n) }
            } catch {
                outcome.withLock { $0.failures[n] = "\(file): \(error)" }
            }
        }
        let (written, failures) = outcome.withLock { ($0.written, $0.failures) }
        return (entries.indices.filter { written.contains($0) }.map { entries[$0] }, failures.sorted { $0.key < $1.key }.map(\.value))
    }
}
