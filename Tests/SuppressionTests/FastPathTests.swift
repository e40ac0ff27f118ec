import Boxes
import DetectKitTestSupport
import Suppression
import Testing

/// Every method's fast path equals its plain scalar reference exactly (positions, score bits, box bits), over
/// many seeds, thresholds, sizes, coordinate kinds and both conventions (the torchvision `TestNMS` habit).
@Suite struct FastPathTests {
    typealias Run = @Sendable (SuppressionGroup) throws -> [GroupSelection]

    struct Method: CustomTestStringConvertible, Sendable {
        var name: String
        var fast: Run
        var reference: Run
        /// Whether the method takes oriented boxes.
        var oriented: Bool
        var testDescription: String { name }
    }

    /// Values each parameter is swept over, one parameter at a time from the method's defaults.
    static let sweeps: [SuppressionMethod.Parameter: [Float]] = [
        .sigma: [0.1, 0.5, 2], .beta: [0.6, 1, 2], .voteSigma: [0.005, 0.05, 0.2],
        .voteIoU: [0, 0.3, 0.5, 0.7, 1], .threshold: [0, 0.3, 0.5, 0.7, 1],
    ]

    /// Every method of the registry with its defaults and with each parameter swept, so a method added to
    /// ``SuppressionMethod/Kind`` is checked like the others; and Cluster-NMS on DIoU, which no name selects.
    static let methods: [Method] = {
        var all: [Method] = []
        func add(_ name: String, _ s: any ReferencedSuppressor) { all.append(Method(name: name, fast: s.suppress, reference: s.reference, oriented: s.acceptsOrientedBoxes)) }
        for kind in SuppressionMethod.Kind.allCases {
            // The default overlap, then each the method can choose.
            for spec in [kind.rawValue] + kind.overlapChoices.map({ "\(kind.rawValue):overlap=\($0.rawValue)" }) {
                add(spec, try! SuppressionMethod(parsing: spec).makeSuppressor())
                for (parameter, _) in kind.parameters {
                    for value in sweeps[parameter] ?? [] {
                        var method = try! SuppressionMethod(parsing: spec)
                        try! method.set(parameter, value)
                        add("\(spec):\(parameter.rawValue)=\(value)", method.makeSuppressor())
                    }
                }
            }
        }
        for t: Float in [0, 0.3, 0.5, 0.7, 1] { add("cluster-diou \(t)", ClusterNMS(iouThreshold: t, criterion: .diou(beta: 1))) }
        return all
    }()

    @Test func everyParameterIsSwept() {
        for kind in SuppressionMethod.Kind.allCases {
            for (parameter, _) in kind.parameters { #expect(Self.sweeps[parameter]?.isEmpty == false, "\(kind) \(parameter)") }
        }
    }

    @Test(arguments: methods)
    func fastEqualsReference(method: Method) throws {
        for seed in 0..<8 as Range<UInt64> {
            for count in [0, 1, 2, 7, 60, 220] {
                // Odd seeds: integer coordinates; seeds 2 and 6: sides from 2 to 1500 px on the 640×480 canvas,
                // so the spatial indexes use several levels.
                let d = try RandomDetections.make(
                    seed: seed * 31 + UInt64(count), count: count, sizes: seed % 4 == 2 ? 2...1500 : 8...160,
                    integerCoordinates: seed % 2 == 1)
                for (convention, threshold) in [(BoxConvention.continuous, Float(0)), (.continuous, 0.2), (.pixelInclusive, 0.001)] {
                    let kept = d.scores.indices.filter { d.scores[$0] >= threshold }
                    let g = SuppressionGroup(
                        boxes: d.boxes.gathering(kept), scores: kept.map { d.scores[$0] },
                        deviations: d.deviations.map { s in kept.map { s[$0] } }, models: kept.map { d.models![$0] },
                        convention: convention, scoreThreshold: threshold)
                    let fast = try method.fast(g), slow = try method.reference(g)
                    let context = "seed \(seed), \(count) boxes, \(convention), threshold \(threshold)"
                    #expect(Self.firstDifference(fast, slow) == nil, "\(context)")
                }
            }
        }
    }

    /// On oriented boxes too, for every method that takes them (each overlap it can choose, each parameter swept):
    /// the fast paths settle far pairs without computing them, the references compute every pair.
    @Test(arguments: methods.filter(\.oriented))
    func fastEqualsReferenceOnOrientedBoxes(method: Method) throws {
        for seed in 0..<6 as Range<UInt64> {
            for count in [0, 1, 2, 9, 80] {
                let d = try RandomDetections.oriented(seed: seed * 37 + UInt64(count), count: count, sizes: seed % 3 == 2 ? 0.2...40 : 4...160)
                for threshold: Float in [0, 0.2] {
                    let kept = d.scores.indices.filter { d.scores[$0] >= threshold }
                    let g = SuppressionGroup(
                        scores: kept.map { d.scores[$0] }, models: kept.map { d.models![$0] }, scoreThreshold: threshold,
                        rotated: kept.map { d.rotated![$0] })
                    let fast = try method.fast(g), slow = try method.reference(g)
                    #expect(Self.firstDifference(fast, slow) == nil, "seed \(seed), \(count) boxes, threshold \(threshold)")
                    #expect(fast.allSatisfy { $0.rotated != nil && $0.box == $0.rotated?.enclosingBox })
                }
            }
        }
    }

    /// Greedy NMS's grid path and its direct path agree on large inputs too.
    @Test(arguments: [Float(0), 0.3, 0.5, 0.7])
    func nmsGridEqualsDirectScan(threshold: Float) throws {
        for seed in 0..<4 as Range<UInt64> {
            let d = try RandomDetections.make(
                seed: seed, count: 3000, width: 2000, height: 1500, sizes: seed < 2 ? 8...160 : 4...2500)
            let g = RandomDetections.group(d)
            let nms = GreedyNMS.nms(iouThreshold: threshold)
            #expect(nms.keptPositions(g, useGrid: true) == nms.keptPositions(g, useGrid: false))
        }
    }

    /// The first survivor where the two runs differ in position or in any bit of score or box, described.
    static func firstDifference(_ a: [GroupSelection], _ b: [GroupSelection]) -> String? {
        func bits(_ s: GroupSelection) -> [UInt32] {
            [UInt32(s.position), s.score.bitPattern, s.box.x1.bitPattern, s.box.y1.bitPattern,
             s.box.x2.bitPattern, s.box.y2.bitPattern]
                + (s.rotated.map { [$0.cx, $0.cy, $0.width, $0.height, $0.angle].map(\.bitPattern) } ?? [])
        }
        for k in 0..<max(a.count, b.count) {
            let x = k < a.count ? bits(a[k]) : [], y = k < b.count ? bits(b[k]) : []
            if x != y {
                return "survivor \(k) of \(a.count) vs \(b.count): "
                    + "fast \(k < a.count ? "\(a[k])" : "none"), reference \(k < b.count ? "\(b[k])" : "none")"
            }
        }
        return nil
    }
}
