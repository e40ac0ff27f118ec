import DetectKit
import Foundation
import Testing

/// Numeric options are checked in each command's `validate()`: a value the command cannot honour is a usage error
/// (exit 64) naming the option, before any file is read. Before, some of these aborted the process
/// (`bench gemm --m 3000000000`, `bench conv --kernel 100001`, `bench decode --resize-to 100000x100000`,
/// `bench clip --batch 1000000000`), hung allocating (`bench iou --count 99999999999999`, `bench gemm --m 65536
/// --n 65536 --k 1`), ran with a meaningless value (`--threads 1000000`, `--samples 0`, `bench conv --kernel 2`,
/// `--detector-threshold nan`) or failed only once work had started.
@Suite struct OptionValidationTests {
    static let cases: [([String], String)] = [
        (["suppress", "in.json", "--iou", "nan"], "--iou nan: must be in [0, 1]"),
        (["suppress", "in.json", "--threshold", "2"], "--threshold 2.0: must be in [0, 1]"),
        (["suppress", "in.json", "--threshold", "0.5", "--iou", "0.6"], "--threshold and --iou name the same threshold: give one"),
        (["suppress", "in.json", "--method", "softer", "--sigma", "0"], "--sigma 0.0: must be positive"),
        (["suppress", "in.json", "--method", "fastest"], "--method fastest: invalid method fastest: expected one of"),
        (["suppress", "in.json", "--score-threshold", "nan"], "--score-threshold nan: must be a finite number"),
        (["suppress", "in.json", "--max-detections=-1"], "--max-detections -1: must be at least 0"),
        (["eval", "--ground-truth", "gt.json", "dt.json", "--threads", "0"], "--threads 0: must be from 1 to 1024"),
        (["eval", "--ground-truth", "gt.json", "dt.json", "--tide", "--tide-iou", "1.5"], "--tide-iou 1.5: must be in [0, 1]"),
        (["eval", "--ground-truth", "gt.json", "dt.json", "--confusion-matrix", "--confusion-confidence", "nan"], "--confusion-confidence nan"),
        (["eval", "--ground-truth", "gt.json", "dt.json", "--tide", "--tide-background", "nan"], "--tide-background nan"),
        (["eval", "--ground-truth", "gt.json", "dt.json", "--tide", "--tide-background", "0.6"], "must not exceed the match IoU 0.5"),
        (["compare", "--ground-truth", "gt.json", "raw.json", "--threads", "1000000"], "--threads 1000000"),
        (["compare", "--ground-truth", "gt.json", "raw.json", "--methods", "nms:iou=nan"], "--methods nms:iou=nan: invalid threshold nan"),
        (["compare", "--ground-truth", "gt.json", "raw.json", "--methods", ","], "--methods names no method"),
        (["compare", "--ground-truth", "gt.json", "raw.json", "--grid-images=-1"], "--grid-images -1"),
        (["compare", "--ground-truth", "gt.json", "raw.json", "--draw-threshold", "nan"], "--draw-threshold nan"),
        (["annotate", "a.png", "--max-pixels", "0"], "--max-pixels 0: must be from 1 to 2147483648"),
        (["annotate", "a.png", "--max-pixels", "9223372036854775807"], "--max-pixels 9223372036854775807: must be from 1 to"),
        (["detect", "a.png", "--detector-threshold", "2"], "--detector-threshold 2.0: must be in [0, 1]"),
        (["detect", "a.png", "--detector-threshold", "nan"], "--detector-threshold nan"),
        (["detect", "a.png", "--slice", "0"], "--slice 0: must be a tile side S or WIDTHxHEIGHT"),
        (["detect", "a.png", "--slice", "512x"], "--slice 512x: must be WIDTHxHEIGHT"),
        (["detect", "a.png", "--slice", "100000"], "--slice 100000: must be a tile side"),
        (["detect", "a.png", "--slice", "512", "--overlap", "1"], "--overlap 1.0: must be at least 0 and below 1"),
        (["detect", "a.png", "--slice", "512", "--overlap=-0.1"], "--overlap -0.1: must be at least 0 and below 1"),
        (["detect", "a.png", "--slice", "512", "--overlap", "nan"], "--overlap nan"),
        (["annotate", "a.png", "--slice", "512", "--merge", "nmm:threshold=2"], "--merge nmm:threshold=2: invalid threshold"),
        (["detect", "a.png", "--threads", "0"], "--threads 0"),
        (["annotate", "a.png", "--threads", "2000"], "--threads 2000"),
        (["embed", "--text", "a", "--threads=-1"], "--threads -1"),
        (["bench", "iou", "--count", "0"], "--count 0"),
        (["bench", "iou", "--count", "99999999999999"], "--count 99999999999999"),
        (["bench", "iou", "--samples", "0"], "--samples 0: must be from 1 to 10000"),
        (["bench", "gemm", "--m", "3000000000"], "--m × --k (A): more than 268435456 values"),
        (["bench", "gemm", "--m", "65536", "--n", "65536", "--k", "1"], "--m × --n (C)"),
        (["bench", "gemm", "--k=-1"], "--k -1"),
        (["bench", "conv", "--kernel", "2"], "--kernel 2: must be odd and positive"),
        (["bench", "conv", "--kernel", "100001"], "--channels × --kernel² (the weights)"),
        (["bench", "conv", "--channels", "65536", "--size", "2048", "--kernel", "1"], "--channels × --size² (the input)"),
        (["bench", "conv", "--threads", "0"], "--threads 0"),
        (["bench", "decode", "a.jpg", "--minimum-size", "0x0"], "--minimum-size 0x0: must be WIDTHxHEIGHT"),
        (["bench", "decode", "a.jpg", "--resize-to", "1e30x5"], "--resize-to 1e30x5: must be WIDTHxHEIGHT"),
        (["bench", "decode", "a.jpg", "--resize-to", "100000x100000"], "--resize-to 100000x100000: more than 268435456 pixels"),
        (["bench", "clip", "--model", "m", "--batch", "1000000000"], "--batch 1000000000: must be from 1 to 4096"),
        (["bench", "clip", "--model", "m", "--tokens", "1"], "--tokens 1: must be at least 2"),
        (["bench", "detector", "--samples=-3"], "--samples -3"),
        (["bench", "suppress", "in.json", "--samples", "0"], "--samples 0"),
    ]

    @Test(arguments: cases.indices)
    func optionsOutOfRangeAreUsageErrorsNamingTheOption(index: Int) throws {
        let (arguments, message) = Self.cases[index]
        let r = try Detectkit.run(arguments)
        #expect(r.status == 64, "\(arguments): \(r.status) \(r.stderr)")
        #expect(r.stderr.contains(message), "\(arguments): \(r.stderr)")
    }

    /// A limit that depends on the model is checked once it is loaded: `bench clip --tokens` beyond the context
    /// length was silently cut to it.
    @Test func tokensBeyondTheContextLengthAreRefused() throws {
        let model = try #require(BundledModels.clipDirectory)
        let r = try Detectkit.run(["bench", "clip", "--model", model, "--tokens", "1000000", "--samples", "1"])
        #expect(r.status == 1 && r.stderr.contains("--tokens 1000000: more than the model's context length 77"), "\(r.stderr)")
    }
}
