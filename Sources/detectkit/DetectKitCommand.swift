import ArgumentParser

/// `detectkit`: the command-line face of DetectKit.
@main
struct DetectKitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detectkit",
        abstract: "Object-detection post-processing: box suppression, evaluation and annotation.",
        subcommands: [SuppressCommand.self, AnnotateCommand.self, BenchCommand.self]
    )
}
