/// A built-in method chosen by its command-line name, with optional parameters: what `--method M --iou T …`
/// and `--methods soft-gaussian:sigma=0.3,nms:iou=0.6` describe.
///
/// | name | parameters (default) |
/// |---|---|
/// | `nms` | iou (0.5) |
/// | `soft-linear` | iou (0.3) |
/// | `soft-gaussian` | sigma (0.5) |
/// | `softer` | sigma (0.5), vote_sigma (0.02), vote_iou (0) |
/// | `weighted` | iou (0.55) |
/// | `diou` | iou (0.5), beta (1) |
/// | `ciou` | iou (0.5) |
/// | `cluster` | iou (0.5) |
/// | `matrix-gaussian` | sigma (0.5) |
/// | `matrix-linear` | — |
/// | `wbf` | iou (0.55) |
public struct SuppressionMethod: Sendable, Hashable, CustomStringConvertible {
    /// A method parameter, by its command-line name.
    public enum Parameter: String, Sendable, CaseIterable, Hashable {
        /// IoU threshold.
        case iou
        /// Gaussian width.
        case sigma
        /// DIoU penalty exponent.
        case beta
        /// Softer-NMS vote width σ_t.
        case voteSigma = "vote_sigma"
        /// Softer-NMS vote IoU threshold.
        case voteIoU = "vote_iou"

        /// Throws when `value` is out of this parameter's range: IoU thresholds in [0, 1]; widths and the DIoU
        /// exponent finite and positive.
        public func validate(_ value: Float) throws {
            switch self {
            case .iou, .voteIoU: try Check.unitInterval(rawValue, value)
            case .sigma, .beta, .voteSigma: try Check.positive(rawValue, value)
            }
        }
    }

    /// Every method name, in the order of the table above.
    public static let names = [
        "nms", "soft-linear", "soft-gaussian", "softer", "weighted", "diou", "ciou", "cluster", "matrix-gaussian",
        "matrix-linear", "wbf",
    ]

    /// The method's name.
    public let name: String
    /// Parameters that differ from the defaults.
    public private(set) var parameters: [Parameter: Float]

    /// A method by name with parameters; throws when the name is unknown or a parameter does not apply to it.
    public init(_ name: String, parameters: [Parameter: Float] = [:]) throws {
        guard Self.names.contains(name) else {
            throw SuppressionError.invalidParameter(
                name: "method", value: name, reason: "expected one of \(Self.names.joined(separator: ", "))")
        }
        self.name = name
        self.parameters = [:]
        for (p, v) in parameters { try set(p, v) }
    }

    /// Parses `name` or `name:param=value,param=value` (also `;`-separated when the list itself is comma-separated).
    public init(parsing spec: String) throws {
        let parts = spec.split(separator: ":", maxSplits: 1).map(String.init)
        try self.init(parts.first ?? "")
        guard parts.count == 2 else { return }
        for item in parts[1].split(whereSeparator: { $0 == "," || $0 == ";" }) { try set(assignment: String(item)) }
    }

    /// Sets a parameter from `name=value` (`-` in the name read as `_`).
    private mutating func set(assignment item: String) throws {
        let kv = item.split(separator: "=", maxSplits: 1).map(String.init)
        guard kv.count == 2, let p = Parameter(rawValue: String(kv[0].map { $0 == "-" ? "_" : $0 })), let v = Float(kv[1]) else {
            throw SuppressionError.invalidParameter(name: "method parameter", value: item, reason: "expected name=number, e.g. iou=0.6")
        }
        try set(p, v)
    }

    /// Parses a comma-separated list of methods, each `name` or `name:param=value` with further `param=value`
    /// items attached to the method before them: `soft-gaussian:sigma=0.3,nms:iou=0.6`,
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
    public var accepted: Set<Parameter> {
        switch name {
        case "nms", "soft-linear", "weighted", "ciou", "cluster", "wbf": return [.iou]
        case "diou": return [.iou, .beta]
        case "soft-gaussian", "matrix-gaussian": return [.sigma]
        case "softer": return [.sigma, .voteSigma, .voteIoU]
        default: return []
        }
    }

    /// Sets a parameter; throws when this method does not take it or the value is out of its range
    /// (``Parameter/validate(_:)``), so that a bad value is refused when the method is named rather than when it
    /// first meets a group of boxes.
    public mutating func set(_ p: Parameter, _ value: Float) throws {
        guard accepted.contains(p) else {
            throw SuppressionError.invalidParameter(
                name: p.rawValue, value: "\(value)", reason: "does not apply to method \(name)")
        }
        try p.validate(value)
        parameters[p] = value
    }

    /// The configured suppressor.
    public func makeSuppressor() -> any Suppressor {
        let p = parameters
        switch name {
        case "soft-linear": return SoftNMS.linear(iouThreshold: p[.iou] ?? 0.3)
        case "soft-gaussian": return SoftNMS.gaussian(sigma: p[.sigma] ?? 0.5)
        case "softer":
            return SofterNMS(sigma: p[.sigma] ?? 0.5, voteSigma: p[.voteSigma] ?? 0.02, voteIoU: p[.voteIoU] ?? 0)
        case "weighted": return WeightedNMS(iouThreshold: p[.iou] ?? 0.55)
        case "diou": return GreedyNMS.diou(iouThreshold: p[.iou] ?? 0.5, beta: p[.beta] ?? 1)
        case "ciou": return GreedyNMS.ciou(iouThreshold: p[.iou] ?? 0.5)
        case "cluster": return ClusterNMS(iouThreshold: p[.iou] ?? 0.5)
        case "matrix-gaussian": return MatrixNMS.gaussian(sigma: p[.sigma] ?? 0.5)
        case "matrix-linear": return MatrixNMS.linear
        case "wbf": return WeightedBoxesFusion(iouThreshold: p[.iou] ?? 0.55)
        default: return GreedyNMS.nms(iouThreshold: p[.iou] ?? 0.5)
        }
    }

    /// `name` or `name:param=value,…` with parameters sorted by name.
    public var description: String {
        let ps = parameters.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue)=\($0.value)" }
        return ps.isEmpty ? name : name + ":" + ps.joined(separator: ",")
    }
}
