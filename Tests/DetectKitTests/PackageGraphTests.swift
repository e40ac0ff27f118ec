import Foundation
import Testing

/// The module graph reads one way (image → tensor → detections → suppression → labels → drawing / evaluation), and
/// every target declares each module it imports, as `swift package dump-package` shows the package.
@Suite struct PackageGraphTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Modules every target may import: the toolchain's.
    static let system: Set = ["Foundation", "FoundationEssentials", "Dispatch", "Synchronization", "Testing", "XCTest", "Glibc",
                              "Musl", "Darwin", "Accelerate"]

    struct Target {
        var name: String
        var path: String
        var dependencies: [String]
    }

    /// The targets as SwiftPM reads Package.swift: name, source folder and the modules of their dependencies.
    static func targets() throws -> [Target] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        // A scratch path of its own: the package's .build is locked by the `swift test` running this.
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("detectkit-dump-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        process.arguments = ["swift", "package", "--package-path", root.path, "--scratch-path", scratch.path, "dump-package"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let targets = try #require(json["targets"] as? [[String: Any]])
        return targets.map { t in
            let name = t["name"] as? String ?? ""
            let kind = t["type"] as? String ?? ""
            let folder = t["path"] as? String ?? ((kind == "test" ? "Tests/" : "Sources/") + name)
            let dependencies = (t["dependencies"] as? [[String: Any]] ?? []).compactMap { d -> String? in
                // {"byName": [name, condition]}, {"target": [name, condition]}, {"product": [name, package, …]}
                (d.values.first as? [Any])?.first as? String
            }
            return Target(name: name, path: folder, dependencies: dependencies)
        }
    }

    /// The modules a folder's Swift files import (`import X`, `@testable import X`, `@_exported import X`).
    static func imports(in folder: URL) -> Set<String> {
        var found: Set<String> = []
        let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)
        while let file = files?.nextObject() as? URL {
            guard file.pathExtension == "swift", !file.path.contains("/Fixtures/"),
                let text = try? String(contentsOf: file, encoding: .utf8)
            else { continue }
            for line in text.split(separator: "\n") {
                let words = line.split(separator: " ")
                guard let i = words.firstIndex(of: "import"), words[..<i].allSatisfy({ $0.hasPrefix("@") }), i + 1 < words.count
                else { continue }
                found.insert(String(words[i + 1]))
            }
        }
        return found
    }

    @Test func everyTargetDeclaresWhatItImports() throws {
        let targets = try Self.targets()
        #expect(targets.count > 20)
        for target in targets {
            let undeclared = Self.imports(in: Self.root.appendingPathComponent(target.path))
                .subtracting(target.dependencies).subtracting(Self.system).subtracting([target.name])
            #expect(undeclared.isEmpty, "\(target.name) imports \(undeclared.sorted()) without declaring them")
        }
    }

    @Test func evaluationAndDetectorDoNotDependOnSuppression() throws {
        let targets = Dictionary(try Self.targets().map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        func closure(_ name: String) -> Set<String> {
            var seen: Set<String> = [], stack = [name]
            while let next = stack.popLast() {
                for d in targets[next]?.dependencies ?? [] where seen.insert(d).inserted { stack.append(d) }
            }
            return seen
        }
        for name in ["Boxes", "COCO", "Evaluation", "Detector", "NeuralCore", "Imaging", "CLIP"] {
            #expect(!closure(name).contains("Suppression"), "\(name) depends on Suppression")
        }
        #expect(!closure("Suppression").contains("Evaluation") && !closure("Suppression").contains("NeuralCore"))
    }
}
