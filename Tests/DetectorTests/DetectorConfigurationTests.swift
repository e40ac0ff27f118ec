import Detector
import Foundation
import NeuralCore
import Testing

/// `config.json` is validated before any of its numbers is used: a value the detector cannot honour is a
/// ``ModelError`` naming the file and the field, never a trap (an inverted log-variance range, an overflowing
/// product of sizes or a repeated category id each used to stop the process).
@Suite struct DetectorConfigurationTests {
    static func fixture() throws -> String {
        try #require(Bundle.module.url(forResource: "Fixtures/small", withExtension: nil)).path
    }

    /// A folder with the small fixture's weights and its config changed by `change`.
    static func folder(_ change: (inout [String: Any]) -> Void) throws -> String {
        let source = try fixture()
        var config = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: source + "/config.json"))) as? [String: Any])
        change(&config)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("detector-config-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try JSONSerialization.data(withJSONObject: config).write(to: URL(fileURLWithPath: dir + "/config.json"))
        try FileManager.default.copyItem(atPath: source + "/detector.safetensors", toPath: dir + "/detector.safetensors")
        return dir
    }

    /// A change to the `decode` object.
    static func decode(_ change: @escaping @Sendable (inout [String: Any]) -> Void) -> @Sendable (inout [String: Any]) -> Void {
        { config in
            var decode = config["decode"] as? [String: Any] ?? [:]
            change(&decode)
            config["decode"] = decode
        }
    }

    static let cases: [(String, @Sendable (inout [String: Any]) -> Void, String)] = [
        ("inverted log-variance range", decode { $0["logvar_min"] = 20 }, "decode.logvar_min 20.0 is above decode.logvar_max 12.0"),
        ("huge log-variance", decode { $0["logvar_max"] = 1e30 }, "must lie within [-160, 160]"),
        ("huge box exponent", decode { $0["box_t_max"] = 1e30 }, "decode.box_t_max 1e+30 is not in (0, 80]"),
        ("negative box exponent", decode { $0["box_t_max"] = -5 }, "decode.box_t_max -5.0 is not in (0, 80]"),
        ("input of 2^40", { $0["input_size"] = 1 << 40 }, "input_size 1099511627776 must be a multiple of 16, at most 16384"),
        ("input of 0", { $0["input_size"] = 0 }, "input_size 0"),
        ("integer past 2^53", { $0["channels"] = [16, 1 << 62] }, "channels.1: expected an integer, found 4.611686018427388e+18"),
        ("fractional size", { $0["ffn_ratio"] = 2.5 }, "ffn_ratio: expected an integer, found 2.5"),
        ("string for a number", { $0["neck_channels"] = "wide" }, "neck_channels: expected a number"),
        ("even branch kernel", { $0["branches"] = [[12, 1]] }, "branches: [12, 1] must be [kernel, dilation]"),
        ("even head kernel", { $0["head_kernel"] = 4 }, "head_kernel 4 must be odd"),
        ("negative head kernel", { $0["head_kernel"] = -5 }, "head_kernel -5 must be odd"),
        ("repeated category id", { $0["categories"] = [["id": 1, "name": "a"], ["id": 1, "name": "b"]] }, "categories: id 1 appears twice"),
        ("score threshold above 1", { $0["score_threshold"] = 2 }, "score_threshold 2.0 is not in [0, 1]"),
        ("negative batch-norm epsilon", { $0["bn_eps"] = -1 }, "bn_eps -1.0 must be positive"),
        ("fill over 255", { $0["preprocess"] = ["fill": 300] }, "preprocess.fill 300 is not a level 0–255"),
    ]

    @Test(arguments: cases.indices)
    func valuesItCannotHonourAreNamed(index: Int) throws {
        let (what, change, message) = Self.cases[index]
        let dir = try Self.folder(change)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let error = #expect(throws: ModelError.self, "\(what)") { try LargeKernelDetector(directory: dir) }
        #expect(error?.description.hasPrefix(dir + "/config.json: ") == true, "\(what): \(String(describing: error))")
        #expect(error?.description.contains(message) == true, "\(what): \(String(describing: error))")
    }

    /// A depth of 10^12 blocks is not a size error, but loading stops at the first block the weights lack instead
    /// of reserving room for all of them (which aborted the process).
    @Test func hugeDepthStopsAtTheFirstMissingBlock() throws {
        let dir = try Self.folder { $0["depths"] = [1_000_000_000_000, 1] }
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(throws: ModelError.tensor("stage3.1.lk.weight", "missing from \(dir)/detector.safetensors")) {
            try LargeKernelDetector(directory: dir)
        }
    }

    /// Products of sizes that overflow are refused before anything is allocated (values past 2^53 cannot come
    /// from a file, but a configuration can be built in code).
    @Test func overflowingSizesAreRefused() throws {
        let weights = try SafeTensors(contentsOf: try Self.fixture() + "/detector.safetensors")
        var wide = try DetectorConfiguration(contentsOf: try Self.fixture() + "/config.json")
        wide.channels = [16, 1 << 62]
        #expect(throws: ModelError.file("detector configuration", "ffn_ratio 2 × channels 4611686018427387904 overflows")) {
            try LargeKernelDetector(configuration: wide, weights: weights)
        }
        var dilated = try DetectorConfiguration(contentsOf: try Self.fixture() + "/config.json")
        dilated.branches = [[(1 << 62) + 1, 3]]
        #expect(throws: ModelError.file("detector configuration", "branches: dilation × (kernel − 1) overflows")) {
            try LargeKernelDetector(configuration: dilated, weights: weights)
        }
    }

    /// A configuration changed after it was read is checked again when a detector is built from it.
    @Test func editedConfigurationsAreCheckedAgain() throws {
        var config = try DetectorConfiguration(contentsOf: try Self.fixture() + "/config.json")
        config.categories.append(config.categories[0])
        let weights = try SafeTensors(contentsOf: try Self.fixture() + "/detector.safetensors")
        #expect(throws: ModelError.file("detector configuration", "categories: id 1 appears twice")) {
            try LargeKernelDetector(configuration: config, weights: weights)
        }
    }

    @Test func readsTheSameFromMemoryAsFromDisk() throws {
        let path = try #require(Bundle.module.url(forResource: "Fixtures/small", withExtension: nil)).path + "/config.json"
        let fromDisk = try DetectorConfiguration(contentsOf: path)
        let fromMemory = try DetectorConfiguration(data: Data(contentsOf: URL(fileURLWithPath: path)), source: "config.json")
        #expect(fromMemory == fromDisk)
    }

    @Test(arguments: [
        ("", "not valid JSON at line 1, column 1"),
        (#"{"categories": []}"#, "missing field"),
        (#"{"format": "other/1"}"#, "missing field"),
    ])
    func badDocumentsNameTheSource(text: String, message: String) {
        #expect {
            try DetectorConfiguration(data: Data(text.utf8), source: "m/config.json")
        } throws: { error in
            guard case .file("m/config.json", let m) = error as? ModelError else { return false }
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
         "branches: [9007199254740992, 9007199254740992] must be [kernel, dilation], the kernel odd and both positive"),
    ])
    func fuzzedConfigsAreRefused(text: String, message: String) {
        #expect(throws: ModelError.file("fuzz.json", message)) {
            try DetectorConfiguration(data: Data(text.utf8), source: "fuzz.json")
        }
    }
}
