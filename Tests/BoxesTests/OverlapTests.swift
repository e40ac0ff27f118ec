import Boxes
import DetectKitTestSupport
import Foundation
import Testing

@Suite struct OverlapTests {
    let a = Box(x1: 0, y1: 0, x2: 10, y2: 10)

    @Test func iouWorkedByHand() {
        // Intersection 5×10 = 50, union 100 + 100 - 50 = 150.
        #expect(a.iou(Box(x1: 5, y1: 0, x2: 15, y2: 10)) == Float(50) / 150)
        #expect(a.iou(a) == 1)
        #expect(a.iou(Box(x1: 10, y1: 0, x2: 20, y2: 10)) == 0)  // touching edges
        #expect(a.iou(Box(x1: 2, y1: 2, x2: 4, y2: 4)) == Float(4) / 100)  // nested
    }

    @Test func pixelInclusiveIoU() {
        // +1 convention: sides 11, intersection (10-5+1)·11 = 66, union 121+121-66 = 176.
        #expect(a.iou(Box(x1: 5, y1: 0, x2: 15, y2: 10), convention: .pixelInclusive) == Float(66) / 176)
        // Touching boxes share a pixel column under +1.
        #expect(a.iou(Box(x1: 10, y1: 0, x2: 20, y2: 10), convention: .pixelInclusive) > 0)
    }

    @Test func zeroAreaBoxesNeverOverlap() {
        let line = Box(x1: 5, y1: 0, x2: 5, y2: 10)
        let point = Box(x1: 3, y1: 3, x2: 3, y2: 3)
        for kind in [OverlapKind.iou, .giou] {
            #expect(kind.value(line, line) == 0)
            #expect(kind.value(point, point) == 0)
            #expect(kind.value(a, line) == 0)
        }
    }

    @Test func giouWorkedByHand() {
        // Disjoint boxes: IoU 0, enclosing box 20×10 = 200, union 100 + 50 = 150 → -50/200.
        let b = Box(x1: 15, y1: 0, x2: 20, y2: 10)
        #expect(OverlapKind.giou.value(a, b) == -0.25)
    }

    @Test func diouWorkedByHand() {
        // Centres (5,5) and (15,5): ρ² = 100; enclosing 20×10: c² = 500.
        let b = Box(x1: 10, y1: 0, x2: 20, y2: 10)
        #expect(abs(OverlapKind.diou.value(a, b) - (0 - 100 / 500)) < 1e-7)
    }

    @Test func ciouPenalisesAspectChange() {
        // Same centre, nested, different aspect: DIoU = IoU, CIoU below it.
        let b = Box(x1: 0, y1: 2.5, x2: 10, y2: 7.5)
        let iou = a.iou(b)
        #expect(OverlapKind.diou.value(a, b) == iou)
        let v = Float(4 / (Double.pi * Double.pi)) * powf(atanf(1) - atanf(2), 2)
        let alpha = v / ((1 - iou) + v + 1e-7)
        #expect(abs(OverlapKind.ciou.value(a, b) - (iou - alpha * v)) < 1e-7)
    }

    @Test(arguments: OverlapKind.allCases)
    func overlapsAreSymmetric(kind: OverlapKind) throws {
        let d = try RandomDetections.make(seed: 3, count: 200)
        for i in 0..<50 {
            for j in 0..<50 {
                let x = kind.value(d.boxes[i], d.boxes[j]), y = kind.value(d.boxes[j], d.boxes[i])
                #expect(x == y || (x.isNaN && y.isNaN))
            }
        }
    }

    /// The vector kernels give exactly the bits of the scalar reference, for every measure, both conventions,
    /// many seeds, and lengths that exercise the vector tails.
    @Test(arguments: OverlapKind.allCases, BoxConvention.allCases)
    func kernelsEqualScalarReference(kind: OverlapKind, convention: BoxConvention) throws {
        for seed in 0..<12 as Range<UInt64> {
            let d = try RandomDetections.make(
                seed: seed, count: 37 + Int(seed) * 13, integerCoordinates: seed % 2 == 0)
            for i in stride(from: 0, to: d.count, by: 5) {
                // The dispatched kernel, and each instruction set this CPU has, asked for per call.
                var runs = [("dispatched", OverlapKernels.overlaps(kind, of: d.boxes[i], with: d.boxes, convention: convention))]
                for isa in OverlapKernels.instructionSets {
                    if let out = OverlapKernels.overlaps(kind, of: d.boxes[i], with: d.boxes, convention: convention, instructionSet: isa) {
                        runs.append((isa, out))
                    }
                }
                #expect(runs.count >= 2)
                for (isa, fast) in runs {
                    for j in 0..<d.count {
                        let slow = kind.value(d.boxes[i], d.boxes[j], convention: convention)
                        #expect(fast[j].bitPattern == slow.bitPattern || (fast[j].isNaN && slow.isNaN),
                                "\(kind) \(isa) seed \(seed) (\(i), \(j)): \(fast[j]) vs \(slow)")
                    }
                }
            }
        }
    }

    @Test func pairwiseMatrixLayout() {
        let rows = BoxArray([a, Box(x1: 5, y1: 0, x2: 15, y2: 10)])
        let cols = BoxArray([a, Box(x1: 100, y1: 100, x2: 110, y2: 110), Box(x1: 5, y1: 0, x2: 15, y2: 10)])
        let m = OverlapKernels.pairwise(.iou, rows, cols)
        #expect(m.rows == 2 && m.columns == 3)
        #expect(m[0, 0] == 1 && m[0, 1] == 0 && m[1, 2] == 1)
        #expect(m[1, 0] == a.iou(cols[2]))
        #expect(OverlapKernels.pairwise(.iou, BoxArray(), cols).values.isEmpty)
    }

    @Test func instructionSetIsNamed() {
        #expect(["avx512", "avx2", "portable"].contains(OverlapKernels.instructionSet))
    }
}
