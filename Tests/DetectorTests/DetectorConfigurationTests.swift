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

    /// Inputs found by `Fuzz/run.sh` (FuzzConfig, minimised) that once trapped instead of throwing.
    @Test(arguments: [
        // `logvar_min` above the default `logvar_max` (12) made an inverted ClosedRange.
        (#"{"categories":[{"id":1,"name":""}], "input_size":6,"stem_channels": [4],"channels": [8], "depths":[], "ffn_ratio": 2,"branches":[[]],"neck_channels":8, "head_kernel":3,"strides": [],"score_threshold":0.5,"decode":{"logvar_min":31}}"#,
         "decode.logvar_min 31.0 is above decode.logvar_max 12.0"),
    ])
    func fuzzedConfigsAreRefused(text: String, message: String) {
        #expect(throws: DetectorError.file("fuzz.json", message)) {
            try DetectorConfiguration(data: Data(text.utf8), source: "fuzz.json")
        }
    }
}
