import Boxes

/// A built-in method chosen by its command-line name, with optional parameters: what `--method M --threshold T …`
/// and `--methods soft-gaussian:sigma=0.3,nms:threshold=0.6` describe. The methods, their parameters and defaults are
/// listed once, in ``Kind``.
public struct SuppressionMethod: Sendable, Hashable, CustomStringConvertible {
    /// A method parameter, by its command-line name.
    public enum Parameter: String, Sendable, CaseIterable, Hashable {
        /// Gaussian width.
        case sigma
        /// DIoU penalty exponent.
        case beta
        /// Softer-NMS vote width σ_t.
        case voteSigma = "vote_sigma"
        /// Softer-NMS vote IoU threshold.
        case voteIoU = "vote_iou"
        /// Overlap threshold, on the method's overlap (IoU unless `overlap=` chooses another): `iou` is its older
        /// name, still accepted in specs (``init(named:)``) and as `--iou`.
        case threshold

        /// The parameter a spec names: its raw value (`-` read as `_`), or `iou`, the older name of ``threshold``.
        public init?(named name: String) {
            let name = String(name.map { $0 == "-" ? "_" : $0 })
            if name == "iou" {
                self = .threshold
            } else {
                self.init(rawValue: name)
            }
        }

        /// Throws when `value` is out of this parameter's range: IoU thresholds in [0, 1]; widths and the DIoU
        /// exponent finite and positive.
        public func validate(_ value: Float) throws {
            switch self {
            case .voteIoU, .threshold: try Check.unitInterval(rawValue, value)
            case .sigma, .beta, .voteSigma: try Check.positive(rawValue, value)
            }
        }
    }

    /// Every method name, in ``Kind``'s order.
    public static let names = Kind.allCases.map(\.rawValue)

    /// Which method.
    public let kind: Kind
    /// Parameters that differ from the defaults.
    public private(set) var parameters: [Parameter: Float]
    /// The overlap chosen with `overlap=…` (one of ``Kind/overlapChoices``); nil: the method's default.
    public private(set) var overlap: OverlapMeasure?

    /// The method's name.
    public var name: String { kind.rawValue }

    /// A method with parameters; throws when a parameter does not apply to it.
    public init(_ kind: Kind, parameters: [Parameter: Float] = [:]) throws {
        self.kind = kind
        self.parameters = [:]
        for (p, v) in parameters { try set(p, v) }
    }

    /// A method by name with parameters; throws when the name is unknown or a parameter does not apply to it.
    public init(_ name: String, parameters: [Parameter: Float] = [:]) throws {
        guard let kind = Kind(rawValue: name) else {
            throw SuppressionError.invalidParameter(
                name: "method", value: name, reason: "expected one of \(Self.names.joined(separator: ", "))")
        }
        try self.init(kind, parameters: parameters)
    }

    /// Parses `name` or `name:param=value,param=value` (also `;`-separated when the list itself is comma-separated).
    public init(parsing spec: String) throws {
        let parts = spec.split(separator: ":", maxSplits: 1).map(String.init)
        try self.init(parts.first ?? "")
        guard parts.count == 2 else { return }
        for item in parts[1].split(whereSeparator: { $0 == "," || $0 == ";" }) { try set(assignment: String(item)) }
    }

    /// Sets a parameter from `name=value` (`-` in the name read as `_`), or the overlap from `overlap=iou|ios|probiou`.
    private mutating func set(assignment item: String) throws {
        let kv = item.split(separator: "=", maxSplits: 1).map(String.init)
        if kv.count == 2, kv[0] == "overlap" {
            guard let o = OverlapMeasure(rawValue: kv[1]), kind.overlapChoices.contains(o) else {
                let choices = kind.overlapChoices.map(\.rawValue).joined(separator: ", ")
                throw SuppressionError.invalidParameter(
                    name: "overlap", value: kv[1],
                    reason: choices.isEmpty ? "does not apply to method \(name)" : "method \(name) takes \(choices)")
            }
            overlap = o
            return
        }
        guard kv.count == 2, let p = Parameter(named: kv[0]), let v = Float(kv[1]) else {
            throw SuppressionError.invalidParameter(name: "method parameter", value: item, reason: "expected name=number, e.g. threshold=0.6")
        }
        try set(p, v)
    }

    /// Parses a comma-separated list of methods, each `name` or `name:param=value` with further `param=value`
    /// items attached to the method before them: `soft-gaussian:sigma=0.3,nms:threshold=0.6`,
    /// `softer:vote_sigma=0.05,vote_iou=0.1,nms`. Throws on an unknown name, a parameter that does not apply, or
    /// a parameter with no method before it.
    public static func list(parsing text: String) throws -> [SuppressionMethod] {
        var methods: [SuppressionMethod] = []
        for raw in text.split(separator: ",") {
            let item = String(raw.filter { $0 != " " })
            if !item.contains(":") && item.contains("=") {
                guard methods.isEmpty == false else {
                    throw SuppressionError.invalidParameter(
                        name: "method parameter", value: item, reason: "comes before any method name")
                }
                try methods[methods.count - 1].set(assignment: item)
            } else if !item.isEmpty {
                methods.append(try SuppressionMethod(parsing: item))
            }
        }
        return methods
    }

    /// The parameters this method takes.
    public var accepted: Set<Parameter> { Set(kind.parameters.map(\.key)) }

    /// Sets a parameter; throws when this method does not take it or the value is out of its range
    /// (``Parameter/validate(_:)``), so that a bad value is refused when the method is named rather than when it
    /// first meets a group of boxes.
    public mutating func set(_ p: Parameter, _ value: Float) throws {
        guard accepted.contains(p) else {
            let takes = kind.parameters.isEmpty ? "takes none" : "takes " + kind.parameters.map(\.key.rawValue).joined(separator: ", ")
            throw SuppressionError.invalidParameter(
                name: p.rawValue, value: "\(value)", reason: "does not apply to method \(name) (it \(takes))")
        }
        try p.validate(value)
        parameters[p] = value
    }

    /// The configured suppressor: given parameters, else the defaults of ``Kind/parameters``.
    public func makeSuppressor() -> any ReferencedSuppressor {
        kind.make(overlap: overlap) { parameters[$0] ?? kind.defaultValue($0) }
    }

    /// `name` or `name:param=value,…` with parameters sorted by name (the overlap first, when chosen).
    public var description: String {
        let ps = (overlap.map { ["overlap=\($0.rawValue)"] } ?? [])
            + parameters.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue)=\($0.value)" }
        return ps.isEmpty ? name : name + ":" + ps.joined(separator: ",")
    }
}
