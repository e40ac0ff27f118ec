import ArgumentParser
import DetectKit

/// `detectkit`: the command-line face of DetectKit.
@main
struct DetectKitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detectkit",
        abstract: "Object-detection post-processing: box suppression, evaluation and annotation.",
        subcommands: [SuppressCommand.self, EvalCommand.self, CompareCommand.self, AnnotateCommand.self, DetectCommand.self, DecodeCommand.self, EmbedCommand.self, MethodsCommand.self, DOTACommand.self, BenchCommand.self]
    )

    /// Tunes glibc's allocator for whole images before running the command: with its defaults every buffer over
    /// 32 MB (a 4000×3000 RGB image is 36 MB) gets freshly mapped pages and pays their page faults on each decode,
    /// about a third of a large JPEG's decode time here. Process-wide, so done in the tool, not the library. And
    /// pins BLAS to one thread at once, so that its idle workers do not spin beside every command.
    static func main() {
        #if os(Linux)
        _ = glibcMallopt(-3, 64 << 20)  // M_MMAP_THRESHOLD
        _ = glibcMallopt(-1, 256 << 20)  // M_TRIM_THRESHOLD
        #endif
        MatrixMultiply.useOneThread()
        main(nil)
    }
}

#if os(Linux)
/// glibc's `int mallopt(int, int)` from `<malloc.h>`, which Swift's Glibc module does not export.
@_silgen_name("mallopt")
private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif
