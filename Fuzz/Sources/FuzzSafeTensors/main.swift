// libFuzzer entry point for the safetensors reader (`SafeTensors(data:source:)`: header length, JSON header, dtypes,
// shapes, offsets) and, on what it opens, every tensor it lists read as `Float`. Build with
// `-sanitize=fuzzer,address -parse-as-library` (see ../../run.sh). Reading errors are expected and ignored: only
// crashes, sanitizer reports, leaks and broken invariants (`precondition`) count.
import Foundation
import FuzzDriver
import NeuralCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    guard let file = try? SafeTensors(data: bytes, source: "fuzz") else { return 0 }
    // Opening promises distinct names, offsets inside the data and not overlapping, and byte counts that fit the
    // shapes; so every F32, F16 and BF16 tensor reads, in its shape, and every other dtype is refused by name.
    let headerEnd = 8 + bytes.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
    precondition(Set(file.entries.map(\.name)).count == file.entries.count, "a name listed twice")
    for e in file.entries {
        precondition(file.entry(e.name) == e, "entry(\"\(e.name)\") is another entry")
        precondition(e.offsets.lowerBound >= 0 && e.offsets.upperBound <= size - headerEnd, "\(e.name): offsets outside the data")
        do {
            let t = try file.tensor(e.name)
            precondition([.f32, .f16, .bf16].contains(e.dtype), "\(e.name): \(e.dtype) read as Float")
            precondition(t.shape == e.shape && t.count == e.offsets.count / e.dtype.size, "\(e.name): shape \(t.shape)")
        } catch let error as SafeTensorsError {
            precondition(![.f32, .f16, .bf16].contains(e.dtype), "\(e.name): \(e.dtype) not read: \(error)")
            precondition(error.source == "fuzz" && error.tensor == e.name, "\(error) does not name the tensor")
        } catch {
            preconditionFailure("\(e.name): unexpected \(error)")
        }
    }
    let sorted = file.entries.sorted { $0.offsets.lowerBound < $1.offsets.lowerBound }
    for (a, b) in zip(sorted, sorted.dropFirst()) {
        precondition(a.offsets.upperBound <= b.offsets.lowerBound, "\(a.name) and \(b.name) overlap")
    }
    return 0
}

// The entry point SwiftPM links this program with (see FuzzDriver).
@_cdecl("FuzzSafeTensors_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzz)
}
