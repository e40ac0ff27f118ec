import DetectKit
import Foundation
import Testing

/// `detectkit methods` lists the registry.
@Suite struct MethodsCommandTests {
    @Test func listsEveryMethod() throws {
        let names = try Detectkit.run(["methods", "--names"])
        #expect(names.stdout.split(separator: "\n").map(String.init) == SuppressionMethod.names)
        let json = try Detectkit.run(["methods", "--json"])
        let rows = json.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(rows.count == SuppressionMethod.names.count)
        #expect((rows.first { $0["name"] as? String == "softer" }?["parameters"] as? [String: Double])?["vote_sigma"] == 0.02)
        let text = try Detectkit.run(["methods"])
        #expect(text.stdout.contains("diou (threshold 0.5, beta 1): "))
    }
}
