// libFuzzer entry point for the model configuration readers: the first byte picks the reader (even: CLIP's
// `CLIPConfiguration(data:source:)`, a Hugging Face `config.json`; odd: `DetectorConfiguration(data:source:)`, the
// detector's), the rest is the document (seeds start with `0` or `1`). On what reads, the numbers the readers
// check are checked again, and what is derived from them computed. Build with `-sanitize=fuzzer,address
// -parse-as-library` (see ../../run.sh). Reading errors are expected and ignored: only crashes, sanitizer
// reports, leaks and broken invariants (`precondition`) count.
import CLIP
import Detector
import Foundation
import FuzzDriver
import NeuralCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let document = Data(bytes: data + 1, count: size - 1)
    if data[0] % 2 == 0 {
        guard let c = try? CLIPConfiguration(data: document, source: "fuzz") else { return 0 }
        for tower in [c.text, c.vision] {
            precondition(tower.hiddenSize > 0 && tower.heads > 0 && tower.hiddenSize % tower.heads == 0 && tower.layers >= 0)
            precondition(tower.intermediateSize > 0 && Activation(clipName: tower.activation) != nil)
        }
        precondition(c.vocabularySize > 0 && c.contextLength > 1 && c.projectionSize > 0)
        precondition(c.patchSize > 0 && c.imageSize >= c.patchSize && c.imageSize % c.patchSize == 0)
    } else {
        guard let c = try? DetectorConfiguration(data: document, source: "fuzz") else { return 0 }
        precondition(!c.categories.isEmpty && c.strides == [8, 16] && c.inputSize > 0 && c.inputSize % 16 == 0)
        precondition(c.stemChannels.count == 2 && c.channels.count == 2 && c.depths.count == 2)
        precondition(c.headKernel % 2 == 1 && !c.branches.isEmpty && c.branches.allSatisfy { $0.count == 2 })
        // The side of the merged large kernel, which loading the weights uses.
        precondition(c.mergedKernel >= 1)
        precondition(c.logVarianceRange.lowerBound <= c.logVarianceRange.upperBound)
    }
    return 0
}

// The entry point SwiftPM links this program with (see FuzzDriver).
@_cdecl("FuzzConfig_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzz)
}
