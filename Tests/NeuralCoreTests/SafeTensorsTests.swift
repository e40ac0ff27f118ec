import Foundation
import NeuralCore
import Testing

/// safetensors files written by the `safetensors` library from PyTorch tensors, and damaged ones
/// (`Fixtures/safetensors`, made by `training/golden_safetensors.py`).
@Suite struct SafeTensorsTests {
    static let folder = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/safetensors")

    struct Expected: Decodable {
        var shape: [Int]
        var bits: [Int32]
    }

    @Test func readsWhatPyTorchWrote() throws {
        let file = try SafeTensors(contentsOf: Self.folder.appendingPathComponent("good.safetensors").path)
        #expect(file.entries.count == 7)
        #expect(file.metadata == ["format": "pt", "source": "golden"])
        let expected = try JSONDecoder().decode(
            [String: Expected].self, from: Data(contentsOf: Self.folder.appendingPathComponent("expected.json")))
        #expect(expected.count == 6)
        for (name, e) in expected {
            let t = try file.tensor(name)
            #expect(t.shape == e.shape, "\(name)")
            #expect(t.scalars.map { Int32(bitPattern: $0.bitPattern) } == e.bits, "\(name)")
        }
        #expect(file.entry("conv.weight")?.dtype == .f32 && file.entry("half")?.dtype == .f16)
        #expect(file.entry("bfloat")?.dtype == .bf16)
    }

    @Test func nonFloatAndMissingTensorsAreNamed() throws {
        let path = Self.folder.appendingPathComponent("good.safetensors").path
        let file = try SafeTensors(contentsOf: path)
        #expect(throws: SafeTensorsError(source: path, tensor: "step", message: "dtype I64 is not a float type (F32, F16, BF16)")) {
            try file.tensor("step")
        }
        #expect(throws: SafeTensorsError(source: path, tensor: "nope", message: "no such tensor")) { try file.tensor("nope") }
    }

    @Test(arguments: [
        ("short.safetensors", nil, "too short for the header length"),
        ("header_past_end.safetensors", nil, "header length 10000 is past the end of the file"),
        ("not_json.safetensors", nil, "header is not valid JSON"),
        ("duplicate.safetensors", "a", "duplicate name"),
        ("unknown_dtype.safetensors", "a", "unknown dtype \"F99\""),
        ("offsets_outside.safetensors", "a", "outside the data"),
        ("shape_mismatch.safetensors", "a", "shape [3] of F32 does not match its 16 bytes"),
        ("overlap.safetensors", "b", "overlaps tensor \"a\""),
        ("negative_shape.safetensors", "a", "non-negative integers"),
    ] as [(String, String?, String)])
    func damagedFilesSayWhatIsWrong(file: String, tensor: String?, message: String) {
        let path = Self.folder.appendingPathComponent(file).path
        do {
            _ = try SafeTensors(contentsOf: path)
            Issue.record("\(file) opened")
        } catch let e as SafeTensorsError {
            #expect(e.source == path && e.tensor == tensor, "\(e)")
            #expect(e.message.contains(message), "\(e)")
        } catch {
            Issue.record("\(file): unexpected \(error)")
        }
    }

    #if !(os(macOS) && arch(x86_64))
    /// Every half-precision bit pattern converts exactly as `Float16` does.
    @Test func halfConversionIsExact() throws {
        let file = try SafeTensors(data: Self.halfFile(), source: "halves")
        let t = try file.tensor("all")
        for bits in 0..<65536 {
            let want = Float(Float16(bitPattern: UInt16(bits)))
            let got = t.scalars[bits]
            #expect(got.bitPattern == want.bitPattern || (got.isNaN && want.isNaN), "0x\(String(bits, radix: 16))")
        }
    }

    /// A file with every half-precision bit pattern, in order.
    static func halfFile() -> Data {
        let header = Data(#"{"all": {"dtype": "F16", "shape": [65536], "data_offsets": [0, 131072]}}"#.utf8)
        var data = Data()
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(header)
        for bits in 0..<65536 { withUnsafeBytes(of: UInt16(bits).littleEndian) { data.append(contentsOf: $0) } }
        return data
    }
    #endif
}

@Suite struct TensorTests {
    @Test func shapesAndValues() throws {
        let t = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        #expect(t.count == 6 && t.rank == 2)
        #expect(t.value(at: [1, 2]) == 6 && t.value(at: [0, 1]) == 2)
        #expect(t.value(at: [2, 0]) == nil && t.value(at: [0]) == nil)
        #expect(try t.reshaped([3, 2]).value(at: [2, 1]) == 6)
        #expect(try Tensor(zeros: []).count == 1)
        #expect(throws: TensorError.shapeMismatch(shape: [2, 2], count: 3)) { try Tensor(shape: [2, 2], scalars: [1, 2, 3]) }
        #expect(throws: TensorError.invalidShape([-1])) { try Tensor(zeros: [-1]) }
        #expect(throws: TensorError.invalidShape([Int.max, 4])) { try Tensor(zeros: [Int.max, 4]) }
        #expect(throws: TensorError.self) { try t.reshaped([4, 2]) }
    }
}
