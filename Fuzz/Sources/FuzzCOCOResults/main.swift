// libFuzzer entry point for the COCO results reader (`COCOResults(data:source:)`) and, on what it reads, its writer
// (`encode`) and what `detectkit suppress` does in between: one suppression method, picked by the input's length.
// Build with `-sanitize=fuzzer,address -parse-as-library` (see ../../run.sh). Reading errors are expected and
// ignored: only crashes, sanitizer reports, leaks and broken invariants (`precondition`) count.
import Boxes
import COCO
import Foundation
import FuzzDriver
import Suppression

/// Records beyond this many are read but not suppressed (the slower methods would only slow the fuzzer down).
let maxSuppressed = 512

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    guard let results = try? COCOResults(data: bytes, source: "fuzz") else { return 0 }
    let n = results.count, d = results.detections
    precondition(d.count == n && results.writtenBoxes.count == n && results.writtenScores.count == n)
    for i in 0..<n {
        // `detections` holds what was written, in Float; boxes as x1, y1, x1 + w, y1 + h (for oriented records, the
        // enclosing boxes of their rbox).
        let w = results.writtenBoxes[i], b = results.axisAlignedBoxes[i]
        precondition(b == Box(x1: Float(w.x), y1: Float(w.y), x2: Float(w.x + w.z), y2: Float(w.y + w.w)), "box \(i)")
        precondition(d.boxes[i] == (d.rotated.map { $0[i].enclosingBox } ?? b), "oriented box \(i)")
        precondition(d.scores[i] == Float(results.writtenScores[i]), "score \(i)")
        precondition(d.images[i] >= 0 && d.images[i] < results.imageIDs.count, "image \(i)")
    }
    precondition(Set(results.imageIDs).count == results.imageIDs.count, "an image id listed twice")

    // Every record written back unchanged, in reverse order: the same records, byte for byte.
    let reversed = (0..<n).reversed().map { KeptDetection(index: $0, score: d.scores[$0], box: d.boxes[$0], rotated: d.rotated?[$0]) }
    let written = results.encode(reversed)
    let back = reread(written, what: "records written back unchanged")
    precondition(back.count == n)
    for (k, kept) in reversed.enumerated() { sameRecord(back, k, results, kept.index) }
    precondition(back.detections.deviations == d.deviations.map { Array($0.reversed()) }, "bbox_std changed")
    precondition(back.detections.models == d.models.map { Array($0.reversed()) }, "model changed")
    precondition(back.detections.rotated == d.rotated.map { Array($0.reversed()) }, "rbox changed")
    let identity = (0..<n).map {
        KeptDetection(index: $0, score: back.detections.scores[$0], box: back.detections.boxes[$0], rotated: back.detections.rotated?[$0])
    }
    precondition(back.encode(identity) == written, "writing the records again changed the bytes")

    // What a suppression method keeps (possibly with new boxes and scores) is written as a results file again.
    guard n <= maxSuppressed else { return 0 }
    let method = try! SuppressionMethod(SuppressionMethod.names[size % SuppressionMethod.names.count])
    // Errors are expected: a bbox_std below Float's range, oriented records for a method without an oriented form.
    guard let kept = try? method.makeSuppressor().apply(to: d) else { return 0 }
    let suppressed = reread(results.encode(kept), what: "the survivors of \(method)")
    precondition(suppressed.count == kept.count)
    for (k, survivor) in kept.enumerated() {
        let i = survivor.index
        precondition(suppressed.detections.categories[k] == d.categories[i], "\(method): category of survivor \(k)")
        precondition(
            suppressed.imageIDs[suppressed.detections.images[k]] == results.imageIDs[d.images[i]],
            "\(method): image of survivor \(k)")
        // An unchanged value is carried as written; a changed one is printed so that it reads back as that Float.
        if survivor.score == d.scores[i] {
            precondition(suppressed.writtenScores[k] == results.writtenScores[i], "\(method): score of survivor \(k)")
        } else {
            precondition(suppressed.detections.scores[k] == survivor.score, "\(method): new score of survivor \(k)")
        }
        if survivor.box == d.boxes[i] {
            precondition(suppressed.writtenBoxes[k] == results.writtenBoxes[i], "\(method): box of survivor \(k)")
        } else {
            let b = suppressed.axisAlignedBoxes[k]
            precondition(b.x1 == survivor.box.x1 && b.y1 == survivor.box.y1, "\(method): new box of survivor \(k)")
        }
        if let r = survivor.rotated {
            precondition(suppressed.detections.rotated?[k] == r, "\(method): rbox of survivor \(k)")
        }
    }
    return 0
}

/// Reads what the writer wrote; it must read.
func reread(_ written: Data, what: String) -> COCOResults {
    do {
        return try COCOResults(data: written, source: "fuzz (re-written)")
    } catch {
        preconditionFailure("\(what) do not read back: \(error)\n\(String(decoding: written, as: UTF8.self))")
    }
}

/// Record `k` of `back` is record `i` of `original`: the same values as written.
func sameRecord(_ back: COCOResults, _ k: Int, _ original: COCOResults, _ i: Int) {
    precondition(back.writtenBoxes[k] == original.writtenBoxes[i], "record \(i): bbox changed")
    precondition(back.writtenScores[k] == original.writtenScores[i], "record \(i): score changed")
    precondition(back.detections.categories[k] == original.detections.categories[i], "record \(i): category changed")
    precondition(
        back.imageIDs[back.detections.images[k]] == original.imageIDs[original.detections.images[i]],
        "record \(i): image_id changed")
}

// The entry point SwiftPM links this program with (see FuzzDriver).
@_cdecl("FuzzCOCOResults_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzz)
}
