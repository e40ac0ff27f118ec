import Boxes
import Decoding
import Testing

/// Finite outputs whose values overflow `Float` once decoded (found by FuzzNumPy: a DETR box of width −1.7e38,
/// scaled to the image, became −∞): every format decodes finite boxes and scores or throws a `DecodingError`
/// naming the tensor.
@Suite struct OverflowingOutputTests {
    /// The tensor FuzzNumPy's input held, `[1, 3, 4]`, given to every format as each of its tensors.
    static let found: [Float] = [
        -1.6325951e-02, -2.8271506e-06, 1.1521951e-06, 1.3563156e-19, 1.3563156e-19, -1.7011495e+38, 8.1919995e+03,
        6.3884747e+02, 1.6181382e+03, 4.3606450e+03, 1.2625475e+04, 3.3606641e+04,
    ]

    @Test func everyFormatDecodesFiniteOrNamesTheTensor() throws {
        let raw = try RawTensor(shape: [1, 3, 4], values: Self.found, source: "found.npy")
        let settings = RawOutputFormat.Settings(inputWidth: 64, inputHeight: 48, imageWidth: 100, imageHeight: 75, confidence: 0.01)
        for format in RawOutputFormat.allCases {
            let tensors = Dictionary(uniqueKeysWithValues: format.tensorNames.map { ($0, raw) })
            do {
                let d = try format.decode(tensors, settings: settings)
                #expect(d.boxes.allSatisfy(\.isFinite) && d.scores.allSatisfy(\.isFinite), "\(format): \(d)")
            } catch let error as DecodingError {
                #expect(error.source == "found.npy", "\(format): \(error)")
            }
        }
        // DETR is the format that overflowed: its query 1 has w = −1.7e38.
        #expect(throws: DecodingError.self) {
            try RawOutputFormat.detr.decode(["logits": raw, "pred_boxes": raw], settings: settings)
        }
    }

    @Test func yoloBoxesThatOverflowAreNamed() throws {
        // One anchor, one class: cx 3e38 and w 3e38 make x2 = 4.5e38.
        let output = try RawTensor(shape: [1, 5, 1], values: [3e38, 10, 3e38, 10, 0.9], source: "yolo.npy")
        #expect(throws: DecodingError.self) {
            try YOLODecoder(head: .yolov8).candidates(output)
        }
    }
}
