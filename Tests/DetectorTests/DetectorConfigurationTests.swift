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
}
