import Foundation
import NeuralCore
import Testing

/// `.npy` files written by NumPy itself (`training/golden_npy.py`): every dtype, version and shape the reader
/// accepts reads as NumPy wrote it, and every file it refuses is a named error.
@Suite struct NumPyArrayFileTests {
    static let folder = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/npy")

    struct Readable: Decodable { var file: String, shape: [Int], values: [Float] }
    struct Refused: Decodable { var file: String, message: String }
    struct Manifest: Decodable { var readable: [Readable], refused: [Refused] }

    static let manifest: Manifest = {
        // A missing or broken manifest fails the tests below with an empty list and `fixturesArePresent`.
        (try? JSONDecoder().decode(Manifest.self, from: Data(contentsOf: folder.appendingPathComponent("manifest.json"))))
            ?? Manifest(readable: [], refused: [])
    }()

    @Test func fixturesArePresent() {
        #expect(Self.manifest.readable.count == 10)
        #expect(Self.manifest.refused.count == 5)
    }

    @Test func readsWhatNumPyWrote() throws {
        for r in Self.manifest.readable {
            let t = try NumPyArrayFile.read(contentsOf: Self.folder.appendingPathComponent(r.file).path)
            #expect(t.shape == r.shape, "\(r.file)")
            #expect(t.scalars.map(\.bitPattern) == r.values.map(\.bitPattern), "\(r.file)")
        }
    }

    @Test func refusesWhatItCannotRead() {
        for r in Self.manifest.refused {
            let path = Self.folder.appendingPathComponent(r.file).path
            #expect {
                try NumPyArrayFile.read(contentsOf: path)
            } throws: { error in
                let e = error as? NumPyArrayFileError
                return e?.source == path && e?.message.contains(r.message) == true
            }
        }
    }

    /// Hand-made headers: odd spacing, keys in another order, double quotes; and broken ones.
    @Test(arguments: [
        ("{\"shape\":(2,),'fortran_order':False ,  'descr':'<f4'}", true),
        ("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", true),
        ("{'descr': '<f4', 'fortran_order': False}", false),
        ("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (2,)}", false),
        ("{'descr': '<f4', 'fortran_order': False, 'shape': (-2,)}", false),
        ("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,)}", false),
        ("{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 4)}", false),
        ("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2,)}", false),
        ("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'extra': 1}", false),
        ("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }  \n", true),
        // Something after the dict (found by FuzzNumPy; numpy's literal_eval refuses it too).
        ("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }   j   \n", false),
        ("{'descr': '<f4", false),
        ("", false),
    ])
    func headers(header: String, readable: Bool) throws {
        var data = Data([0x93]) + Data("NUMPY".utf8) + Data([1, 0])
        let bytes = Data(header.utf8)
        data += Data([UInt8(bytes.count & 0xFF), UInt8(bytes.count >> 8)]) + bytes
        data += Data([0, 0, 0x80, 0x3F, 0, 0, 0, 0x40])  // 1.0, 2.0
        if readable {
            #expect(try NumPyArrayFile.tensor(data: data, source: "h.npy").scalars == [1, 2])
        } else {
            #expect(throws: NumPyArrayFileError.self) { try NumPyArrayFile.tensor(data: data, source: "h.npy") }
        }
    }
}
