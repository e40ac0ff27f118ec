import ArgumentParser
import DetectKit
import JSONScanning

/// `detectkit methods`: the suppression methods this build knows, from the registry.
struct MethodsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "methods",
        abstract: "List the suppression methods, their parameters and defaults."
    )

    @Flag(help: "Print the names only, one per line (for scripts).")
    var names = false

    @Flag(help: "Print one JSON object per method: {\"name\", \"parameters\": {name: default}, \"score_threshold\", \"summary\"}.")
    var json = false

    func validate() throws {
        if names && json { throw ValidationError("--names and --json are exclusive") }
    }

    func run() {
        for kind in SuppressionMethod.Kind.allCases {
            if names {
                print(kind.rawValue)
            } else if json {
                print(JSONValue.object([
                    ("name", .string(kind.rawValue)),
                    ("parameters", .object(kind.parameters.map { ($0.key.rawValue, .float($0.value)) })),
                    ("score_threshold", .float(kind.defaultScoreThreshold)), ("summary", .string(kind.summary)),
                ]).text)
            } else {
                print("\(kind.synopsis): \(kind.summary)")
            }
        }
    }
}
