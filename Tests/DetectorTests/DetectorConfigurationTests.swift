import Detector
import Foundation
import Testing

/// `config.json` read from memory (`DetectorConfiguration(data:source:)`) as from disk, and bad documents named.
@Suite struct DetectorConfigurationTests {
    @Test func readsTheSameFromMemoryAsFromDisk() throws {
        let path = try #require(Bundle.module.url(forResource: "Fixtures/small", withExtension: nil)).path + "/config.json"
        let fromDisk = try DetectorConfiguration(contentsOf: path)
        let fromMemory = try DetectorConfiguration(data: Data(contentsOf: URL(fileURLWithPath: path)), source: "config.json")
        #expect(fromMemory == fromDisk)
    }

    @Test(arguments: [
        ("", "not a detector config"),
        (#"{"categories": []}"#, "missing field"),
        (#"{"format": "other/1"}"#, "missing field"),
    ])
    func badDocumentsNameTheSource(text: String, message: String) {
        #expect {
            try DetectorConfiguration(data: Data(text.utf8), source: "m/config.json")
        } throws: { error in
            guard case .file("m/config.json", let m) = error as? DetectorError else { return false }
            return m.contains(message)
        }
    }

    /// Inputs that once trapped instead of throwing (the first found by `Fuzz/run.sh`'s FuzzConfig, minimised).
    @Test(arguments: [
        // `logvar_min` above the default `logvar_max` (12) made an inverted ClosedRange.
        (#"{"categories":[{"id":1,"name":""}], "input_size":6,"stem_channels": [4],"channels": [8], "depths":[], "ffn_ratio": 2,"branches":[[]],"neck_channels":8, "head_kernel":3,"strides": [],"score_threshold":0.5,"decode":{"logvar_min":31}}"#,
         "decode.logvar_min 31.0 is above decode.logvar_max 12.0"),
        // A dilation times a kernel side past Int.max: `mergedKernel` overflowed (found reading the code for
        // FuzzConfig's checks, not by the fuzzer).
        (#"{"categories": [{"id": 1, "name": "a"}], "input_size": 64, "stem_channels": [4, 8], "channels": [8, 16], "depths": [1, 0], "ffn_ratio": 2, "branches": [[9007199254740993, 9007199254740993]], "neck_channels": 8, "head_kernel": 3, "strides": [8, 16], "score_threshold": 0.05}"#,
         "the sizes do not fit the architecture (two stem convs, two stages at strides 8 and 16, odd kernels, input a multiple of 16)"),
    ])
    func fuzzedConfigsAreRefused(text: String, message: String) {
        #expect(throws: DetectorError.file("fuzz.json", message)) {
            try DetectorConfiguration(data: Data(text.utf8), source: "fuzz.json")
        }
    }
}
