import ArgumentParser
import DetectKit

/// Whether records that carry an `rbox` are taken as oriented boxes: shared by the commands that read COCO results
/// (`suppress`, `annotate --detections`, `compare`, `eval`).
struct OrientationFlags: ParsableArguments {
    @Flag(
        name: .long,
        help: "Use the records' bbox even when every record has an rbox (otherwise such records are suppressed, drawn and evaluated as oriented boxes).")
    var axisAligned = false

    /// `results`' detections, oriented unless `--axis-aligned`; refuses `--pixel-inclusive` on oriented boxes.
    func detections(_ results: COCOResults, pixelInclusive: Bool) throws -> Detections {
        let d = try results.detections(axisAligned: axisAligned)
        if d.rotated != nil, pixelInclusive {
            throw ValidationError("--pixel-inclusive does not apply to oriented boxes (records with an rbox); add --axis-aligned to use their bbox")
        }
        return d
    }
}
