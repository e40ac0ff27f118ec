// libFuzzer entry point for the NumPy .npy reader (`NumPyArrayFile.tensor(data:source:)`: magic, version,
// header length, the header's dict literal, dtype, order, shape, body length) and, on what it reads, the decoders
// that take its tensors. Build with `-sanitize=fuzzer,address -parse-as-library` (see ../../run.sh). Reading
// errors are expected and ignored: only crashes, sanitizer reports, leaks and broken invariants (`precondition`)
// count.
import Decoding
import Foundation
import FuzzDriver
import NeuralCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    let tensor: Tensor
    do {
        tensor = try NumPyArrayFile.tensor(data: bytes, source: "fuzz")
    } catch let error as NumPyArrayFileError {
        precondition(error.source == "fuzz", "\(error) does not name the file")
        return 0
    } catch {
        preconditionFailure("unexpected \(error)")
    }
    // What reads fills its shape; a body of 2, 4 or 8 bytes per value stands behind it.
    precondition(tensor.count == tensor.shape.reduce(1, *), "shape \(tensor.shape) with \(tensor.count) values")
    precondition(tensor.count <= size, "more values than bytes")
    // Every format takes it as its first tensor without trapping: decoded, or a named error.
    guard tensor.count <= 1 << 12 else { return 0 }
    let raw = RawTensor(tensor, source: "fuzz")
    let settings = RawOutputFormat.Settings(inputWidth: 64, inputHeight: 48, imageWidth: 100, imageHeight: 75, confidence: 0.01)
    for format in RawOutputFormat.allCases {
        let tensors = Dictionary(uniqueKeysWithValues: format.tensorNames.map { ($0, raw) })
        guard let d = try? format.decode(tensors, settings: settings) else { continue }
        precondition(d.boxes.allSatisfy { $0.isFinite } && d.scores.allSatisfy(\.isFinite), "\(format): a value not finite")
    }
    return 0
}

// The entry point SwiftPM links this program with (see FuzzDriver).
@_cdecl("FuzzNumPy_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzz)
}
