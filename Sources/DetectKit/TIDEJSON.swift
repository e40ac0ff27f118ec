import JSONScanning

extension TIDE {
    /// `{"ap", "delta_ap": {"Cls", "Loc", "Both", "Dupe", "Bkg", "Miss", "FalsePos", "FalseNeg"}, "counts": {"Cls",
    /// …, "Miss"}}`, AP points on tidecv's 0–100 scale: what `eval --tide --json` and `compare --json` write.
    package var json: JSONValue {
        let types = ErrorType.allCases
        let delta = types.map { ($0.rawValue, JSONValue.double(deltaAP[$0] ?? 0)) }
            + [("FalsePos", .double(falsePositiveDeltaAP)), ("FalseNeg", .double(falseNegativeDeltaAP))]
        return .object([
            ("ap", .double(averagePrecision)), ("delta_ap", .object(delta)),
            ("counts", .object(types.map { ($0.rawValue, .int(counts[$0] ?? 0)) })),
        ])
    }
}
