import Foundation
import Suppression
import Testing

@Suite struct SuppressionMethodTests {
    @Test func parsesNamesAndParameters() throws {
        let m = try SuppressionMethod(parsing: "soft-gaussian:sigma=0.3")
        #expect(m.name == "soft-gaussian" && m.parameters == [.sigma: 0.3])
        #expect(m.description == "soft-gaussian:sigma=0.3")
        let s = try SuppressionMethod(parsing: "softer:vote-sigma=0.05;vote_iou=0.1")
        #expect(s.parameters == [.voteSigma: 0.05, .voteIoU: 0.1])
        #expect((try SuppressionMethod(parsing: "nms:iou=0.6").makeSuppressor() as? GreedyNMS)?.iouThreshold == 0.6)
    }

    @Test func everyNameMakesAMethodOfThatName() throws {
        for name in SuppressionMethod.names { #expect(try SuppressionMethod(name).makeSuppressor().name == name) }
    }

    @Test func rejectsUnknownNamesAndForeignParameters() {
        #expect(throws: SuppressionError.self) { try SuppressionMethod("yolo-nms") }
        #expect(throws: SuppressionError.self) { try SuppressionMethod(parsing: "nms:sigma=0.3") }
        #expect(throws: SuppressionError.self) { try SuppressionMethod(parsing: "nms:iou=abc") }
        #expect(throws: SuppressionError.self) { try SuppressionMethod(parsing: "matrix-linear:sigma=1") }
    }

    /// Values out of a parameter's range are refused when the method is named, not when it first meets boxes.
    @Test(arguments: ["nms:iou=nan", "nms:iou=1.5", "nms:iou=-0.1", "soft-gaussian:sigma=0", "softer:sigma=inf",
                      "diou:beta=nan", "diou:beta=-1", "softer:vote_sigma=0", "softer:vote_iou=2", "wbf:iou=1e400"])
    func rejectsValuesOutOfRange(spec: String) {
        #expect(throws: SuppressionError.self, "\(spec)") { try SuppressionMethod(parsing: spec) }
    }

    @Test func parsesMethodLists() throws {
        let list = try SuppressionMethod.list(parsing: "soft-gaussian:sigma=0.3,nms:iou=0.6, softer:vote_sigma=0.05,vote_iou=0.1,wbf")
        #expect(list.map(\.description) == ["soft-gaussian:sigma=0.3", "nms:threshold=0.6", "softer:vote_iou=0.1,vote_sigma=0.05", "wbf"])
        #expect(try SuppressionMethod.list(parsing: "").isEmpty)
        #expect(throws: SuppressionError.self) { try SuppressionMethod.list(parsing: "iou=0.5,nms") }
        #expect(throws: SuppressionError.self) { try SuppressionMethod.list(parsing: "nms,sigma=0.5") }
    }

    /// The method types' default arguments are the registry's defaults (and none asks for a parameter its
    /// method does not take, which would read NaN).
    @Test func typeDefaultsAreTheRegistrys() throws {
        func registry(_ kind: SuppressionMethod.Kind, _ p: SuppressionMethod.Parameter) -> Float {
            kind.parameters.first { $0.key == p }?.value ?? .nan
        }
        #expect(GreedyNMS.nms().iouThreshold == registry(.nms, .threshold))
        #expect(GreedyNMS().iouThreshold == registry(.nms, .threshold))
        #expect(GreedyNMS.diou().iouThreshold == registry(.diou, .threshold))
        #expect(GreedyNMS.diou().criterion == .diou(beta: registry(.diou, .beta)))
        #expect(GreedyNMS.ciou().iouThreshold == registry(.ciou, .threshold))
        #expect(SoftNMS.linear().decay == .linear(iouThreshold: registry(.softLinear, .threshold)))
        #expect(SoftNMS.gaussian().decay == .gaussian(sigma: registry(.softGaussian, .sigma)))
        let softer = SofterNMS()
        #expect(softer.sigma == registry(.softer, .sigma) && softer.voteSigma == registry(.softer, .voteSigma)
            && softer.voteIoU == registry(.softer, .voteIoU))
        #expect(WeightedNMS().iouThreshold == registry(.weighted, .threshold))
        #expect(ClusterNMS().iouThreshold == registry(.cluster, .threshold))
        #expect(MatrixNMS.gaussian().kernel == .gaussian(sigma: registry(.matrixGaussian, .sigma)))
        #expect(WeightedBoxesFusion().iouThreshold == registry(.wbf, .threshold))
        #expect(NonMaximumMerging().threshold == registry(.greedyNMM, .threshold) && NonMaximumMerging().overlap == .ios)
        for kind in SuppressionMethod.Kind.allCases {
            let made = try SuppressionMethod(kind).makeSuppressor()
            #expect(made.name == kind.rawValue && made.defaultScoreThreshold == kind.defaultScoreThreshold)
        }
    }

    /// `threshold` and `iou` both name the overlap threshold; `overlap` applies to `nms` and the merging methods.
    @Test func thresholdAndOverlapSpellings() throws {
        let nms = try #require(SuppressionMethod(parsing: "nms:threshold=0.6").makeSuppressor() as? GreedyNMS)
        #expect(nms.iouThreshold == 0.6)
        let merging = try #require(SuppressionMethod(parsing: "nmm:overlap=iou,iou=0.3").makeSuppressor() as? NonMaximumMerging)
        #expect(merging.threshold == 0.3 && merging.overlap == .iou && merging.variant == .transitive)
        // `iou`, the older name, is read as `threshold`, which is what the method then says it has.
        #expect(try SuppressionMethod(parsing: "nms:iou=0.6").description == "nms:threshold=0.6")
        #expect(SuppressionMethod.Parameter(named: "iou") == .threshold && SuppressionMethod.Parameter(named: "vote-iou") == .voteIoU)
        #expect(SuppressionMethod.Parameter(named: "ios") == nil)
        #expect(try SuppressionMethod(parsing: "greedy-nmm:overlap=iou,threshold=0.25").description == "greedy-nmm:overlap=iou,threshold=0.25")
        let onIoS = try #require(SuppressionMethod(parsing: "nms:overlap=ios").makeSuppressor() as? GreedyNMS)
        #expect(onIoS.criterion == .ios && onIoS.name == "nms")
        #expect(throws: SuppressionError.invalidParameter(name: "overlap", value: "ios", reason: "method soft-linear takes iou, probiou")) {
            try SuppressionMethod(parsing: "soft-linear:overlap=ios")
        }
        #expect(throws: SuppressionError.invalidParameter(name: "overlap", value: "iou", reason: "does not apply to method softer")) {
            try SuppressionMethod(parsing: "softer:overlap=iou")
        }
        let probIoU = try #require(SuppressionMethod(parsing: "fast-nms:overlap=probiou,threshold=0.7").makeSuppressor() as? FastNMS)
        #expect(probIoU.overlap == .probIoU && probIoU.iouThreshold == 0.7)
        #expect(throws: SuppressionError.invalidParameter(name: "overlap", value: "giou", reason: "method greedy-nmm takes ios, iou, probiou")) {
            try SuppressionMethod(parsing: "greedy-nmm:overlap=giou")
        }
        #expect(throws: SuppressionError.self) { try SuppressionMethod(parsing: "matrix-linear:threshold=0.5") }
    }

    /// Errors and help come from the registry.
    @Test func messagesNameWhatAMethodTakes() {
        #expect(throws: SuppressionError.invalidParameter(name: "sigma", value: "0.3", reason: "does not apply to method nms (it takes threshold)")) {
            try SuppressionMethod(parsing: "nms:sigma=0.3")
        }
        #expect(throws: SuppressionError.invalidParameter(name: "threshold", value: "0.5", reason: "does not apply to method matrix-linear (it takes none)")) {
            try SuppressionMethod(parsing: "matrix-linear:iou=0.5")
        }
        let help = SuppressionMethod.methodHelp.split(separator: "\n")
        #expect(help.count == SuppressionMethod.Kind.allCases.count)
        #expect(help.contains("softer (sigma 0.5, vote_sigma 0.02, vote_iou 0): \(SuppressionMethod.Kind.softer.summary)"))
    }

    /// README's table of methods lists every method of the registry, in its order, with its parameters and defaults.
    @Test func readmeTableIsTheRegistry() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let methodsSection = readme.split(separator: "\n").drop { $0 != "## Methods" }.dropFirst().prefix { !$0.hasPrefix("## ") }
        #expect(!methodsSection.isEmpty, "README has no section \"## Methods\"")
        let rows = methodsSection.filter { $0.hasPrefix("| `") && $0.contains("` |") }
            .map { $0.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) } }
            .filter { row in SuppressionMethod.Kind(rawValue: row.first?.trimmingCharacters(in: ["`"]) ?? "") != nil }
        #expect(rows.map { $0[0] } == SuppressionMethod.Kind.allCases.map { "`\($0.rawValue)`" })
        for (row, kind) in zip(rows, SuppressionMethod.Kind.allCases) {
            let expected = kind.parameters.isEmpty ? "—"
                : kind.parameters.map { "`--\($0.key.rawValue.replacingOccurrences(of: "_", with: "-"))` \(kind.formatted($0.value))" }
                    .joined(separator: ", ")
            #expect(row.count > 3 && row[3] == expected, "\(kind): README says \(row.count > 3 ? row[3] : "nothing")")
        }
    }
}
