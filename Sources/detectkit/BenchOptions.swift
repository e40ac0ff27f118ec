import ArgumentParser
import JSONScanning

/// What every `bench` command takes (`--samples`, `--json`), how it times (the median of the samples) and how it
/// reports: one text line, or one JSON object `{"name", …, "median_ms"}` per result.
struct BenchOptions: ParsableArguments {
    @Option(help: "Timed samples; the median is reported (default: the command's own).")
    var samples: Int?

    @Flag(help: "One JSON line per result: {\"name\", the command's fields, \"median_ms\"}.")
    var json = false

    func validate() throws {
        if let samples { try OptionChecks.samples(samples) }
    }

    /// The median wall time of `samples` (else `defaultSamples`) runs of `body`, in milliseconds.
    func medianMilliseconds(default defaultSamples: Int, _ body: () throws -> Void) rethrows -> Double {
        try BenchTiming.median(samples: samples ?? defaultSamples, body) * 1e3
    }

    /// Prints one result: `text`, or with `--json` the object of `name`, `fields` and `median_ms`.
    func report(_ name: String, milliseconds: Double, fields: [(String, JSONValue)] = [], text: String) {
        print(json ? JSONValue.object([("name", .string(name))] + fields + [("median_ms", .double(milliseconds))]).text : text)
    }
}
