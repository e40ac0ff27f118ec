import Foundation
import Testing

/// `detectkit bench rotated-nms` and `rotated-iou` on real .npy files: survivors and overlaps as JSON, bad files named.
@Suite struct RotatedNMSBenchTests {
    /// An .npy (format 1.0) of little-endian float32 with the given shape.
    static func npy(_ values: [Float], shape: [Int]) throws -> TemporaryFile {
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(shape.map(String.init).joined(separator: ", "))\(shape.count == 1 ? "," : "")), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)])
        data += Data(header.utf8)
        for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { data += Data($0) } }
        return try TemporaryFile(data: data, suffix: ".npy")
    }

    @Test func keepsWhatGreedyAndFastNMSKeep() throws {
        // Box 1 is box 0 turned by 0.05 rad (IoU about 0.9): suppressed; box 2 is far away: kept.
        let file = try Self.npy([50, 50, 40, 20, 0, 0.9, 50, 50, 40, 20, 0.05, 0.8, 300, 300, 10, 10, 1, 0.7], shape: [3, 6])
        for flags in [["--overlap", "iou"], ["--overlap", "probiou", "--fast"]] {
            let r = try Detectkit.run(["bench", "rotated-nms", file.path, "--json", "--samples", "1"] + flags)
            #expect(r.status == 0, "\(r.stderr)")
            let out = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
            #expect(out["kept"] as? [Int] == [0, 2], "\(flags): \(r.stdout)")
        }
    }

    /// One box against all: row 0 with itself (1), a copy turned by a quarter turn with swapped sides (the same
    /// rectangle: 1), and a far box (0).
    @Test func oneAgainstAll() throws {
        let file = try Self.npy([50, 50, 40, 20, 0, 0.9, 50, 50, 20, 40, 1.5707964, 0.8, 300, 300, 10, 10, 1, 0.7], shape: [3, 6])
        for overlap in ["iou", "probiou"] {
            let r = try Detectkit.run(["bench", "rotated-iou", file.path, "--overlap", overlap, "--json", "--samples", "1"])
            #expect(r.status == 0, "\(r.stderr)")
            let out = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
            let values = try #require(out["values"] as? [Double])
            #expect(values.count == 3 && values[0] > 0.999 && values[1] > 0.999 && values[2] < 1e-6, "\(overlap): \(values)")
        }
    }

    @Test func badFilesAreNamed() throws {
        let wrongShape = try Self.npy([1, 2, 3, 4, 5], shape: [1, 5])
        let notFinite = try Self.npy([1, 2, 3, 4, .nan, 0.5], shape: [1, 6])
        let negative = try Self.npy([1, 2, -3, 4, 0, 0.5], shape: [1, 6])
        for (file, message) in [(wrongShape, "expected [N, 6]"), (notFinite, "row 0 is not finite"), (negative, "row 0 has a negative size")] {
            let r = try Detectkit.run(["bench", "rotated-nms", file.path])
            #expect(r.status == 1 && r.stderr.contains(file.path) && r.stderr.contains(message), "\(r.stderr)")
        }
        let overlap = try Detectkit.run(["bench", "rotated-nms", negative.path, "--overlap", "giou"])
        #expect(overlap.status == 64 && overlap.stderr.contains("--overlap"), "\(overlap.stderr)")
    }
}
