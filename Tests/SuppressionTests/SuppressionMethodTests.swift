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
        #expect(throws: SuppressionError.self) { try SuppressionMethod("fast-nms") }
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
        #expect(list.map(\.description) == ["soft-gaussian:sigma=0.3", "nms:iou=0.6", "softer:vote_iou=0.1,vote_sigma=0.05", "wbf"])
        #expect(try SuppressionMethod.list(parsing: "").isEmpty)
        #expect(throws: SuppressionError.self) { try SuppressionMethod.list(parsing: "iou=0.5,nms") }
        #expect(throws: SuppressionError.self) { try SuppressionMethod.list(parsing: "nms,sigma=0.5") }
    }
}
