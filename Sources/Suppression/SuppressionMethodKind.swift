import Boxes

extension SuppressionMethod {
    /// Every built-in method, with its command-line name, its parameters and their defaults: the one place these
    /// are written. The help text, the error messages and the method types' default arguments are made from it,
    /// and the tests iterate over `allCases`, so a method added here is checked against its scalar reference
    /// like every other.
    public enum Kind: String, CaseIterable, Sendable, Hashable {
        /// Greedy NMS (``GreedyNMS/nms(iouThreshold:)``).
        case nms
        /// Soft-NMS with linear decay (``SoftNMS/linear(iouThreshold:overlap:)``).
        case softLinear = "soft-linear"
        /// Soft-NMS with Gaussian decay (``SoftNMS/gaussian(sigma:overlap:)``).
        case softGaussian = "soft-gaussian"
        /// Softer-NMS: variance voting, then Gaussian Soft-NMS (``SofterNMS``).
        case softer
        /// Weighted NMS (``WeightedNMS``).
        case weighted
        /// Greedy NMS on DIoU (``GreedyNMS/diou(iouThreshold:beta:)``).
        case diou
        /// Greedy NMS on CIoU (``GreedyNMS/ciou(iouThreshold:)``).
        case ciou
        /// Cluster-NMS (``ClusterNMS``).
        case cluster
        /// Fast NMS (``FastNMS``).
        case fastNMS = "fast-nms"
        /// Matrix NMS with Gaussian decay (``MatrixNMS/gaussian(sigma:overlap:)``).
        case matrixGaussian = "matrix-gaussian"
        /// Matrix NMS with linear decay (``MatrixNMS/linear``).
        case matrixLinear = "matrix-linear"
        /// Weighted Boxes Fusion (``WeightedBoxesFusion``).
        case wbf
        /// Greedy non-maximum merging, SAHI's tile merging (``NonMaximumMerging``, ``NonMaximumMerging/Variant/greedy``).
        case greedyNMM = "greedy-nmm"
        /// Transitive non-maximum merging (``NonMaximumMerging``, ``NonMaximumMerging/Variant/transitive``).
        case nmm

        /// The parameters the method takes and their defaults, in the order help text lists them.
        public var parameters: KeyValuePairs<Parameter, Float> {
            switch self {
            case .nms, .ciou, .cluster, .fastNMS: return [.threshold: 0.5]
            case .softLinear: return [.threshold: 0.3]
            case .softGaussian, .matrixGaussian: return [.sigma: 0.5]
            case .softer: return [.sigma: 0.5, .voteSigma: 0.02, .voteIoU: 0]
            case .weighted, .wbf: return [.threshold: 0.55]
            case .diou: return [.threshold: 0.5, .beta: 1]
            case .matrixLinear: return [:]
            case .greedyNMM, .nmm: return [.threshold: 0.5]
            }
        }

        /// The score threshold when the caller gives none: 0.001 (the Soft-NMS authors') for the methods that
        /// lower scores, whose boxes are dropped once their decayed score falls below it; else 0.
        public var defaultScoreThreshold: Float {
            switch self {
            case .softLinear, .softGaussian, .softer, .matrixGaussian, .matrixLinear: return 0.001
            case .nms, .weighted, .diou, .ciou, .cluster, .fastNMS, .wbf, .greedyNMM, .nmm: return 0
            }
        }

        /// What the method does, in a few words (for help text).
        public var summary: String {
            switch self {
            case .nms: return "greedy NMS, as torchvision"
            case .softLinear: return "Soft-NMS, scores times 1 - IoU above the threshold"
            case .softGaussian: return "Soft-NMS, scores times exp(-IoU^2 / sigma)"
            case .softer: return "Softer-NMS: variance voting with bbox_std, then Gaussian Soft-NMS"
            case .weighted: return "weighted NMS: each kept box the score- and IoU-weighted mean of its cluster"
            case .diou: return "greedy NMS on IoU - (rho^2 / c^2)^beta"
            case .ciou: return "greedy NMS on complete IoU"
            case .cluster: return "Cluster-NMS: greedy NMS as a fixed-point iteration"
            case .fastNMS: return "YOLACT's Fast NMS: dropped when any higher-scored box overlaps it, kept or not"
            case .matrixGaussian: return "Matrix NMS, Gaussian decay, all boxes at once"
            case .matrixLinear: return "Matrix NMS, linear decay, all boxes at once"
            case .wbf: return "Weighted Boxes Fusion: clusters fused into score-weighted boxes"
            case .greedyNMM: return "SAHI's greedy non-maximum merging: overlapping boxes merged into their union"
            case .nmm: return "SAHI's non-maximum merging, transitive: chains of overlapping boxes merged"
            }
        }

        /// The default of `parameter`, which this method must take (the method types' default arguments read it;
        /// a test checks that each asks only for its own parameters).
        public func defaultValue(_ parameter: Parameter) -> Float {
            parameters.first { $0.key == parameter }?.value ?? .nan
        }

        /// The overlaps the method can match boxes with (`overlap=…` in a method spec), the first the default;
        /// empty for the methods whose overlap is fixed (IoU, on axis-aligned boxes only).
        public var overlapChoices: [OverlapMeasure] {
            switch self {
            case .greedyNMM, .nmm: return [.ios, .iou, .probIoU]
            case .nms, .cluster: return [.iou, .ios, .probIoU]
            case .softLinear, .softGaussian, .weighted, .fastNMS, .matrixGaussian, .matrixLinear, .wbf: return [.iou, .probIoU]
            case .softer, .diou, .ciou: return []
            }
        }

        /// The method with `value(p)` for each of its parameters and `overlap` (nil: the method's default).
        func make(overlap: OverlapMeasure? = nil, _ value: (Parameter) -> Float) -> any ReferencedSuppressor {
            let measure = overlap ?? overlapChoices.first ?? .iou
            let criterion: SuppressionCriterion = measure == .ios ? .ios : measure == .probIoU ? .probIoU : .iou
            switch self {
            case .nms: return GreedyNMS(iouThreshold: value(.threshold), criterion: criterion)
            case .softLinear: return SoftNMS.linear(iouThreshold: value(.threshold), overlap: measure)
            case .softGaussian: return SoftNMS.gaussian(sigma: value(.sigma), overlap: measure)
            case .softer: return SofterNMS(sigma: value(.sigma), voteSigma: value(.voteSigma), voteIoU: value(.voteIoU))
            case .weighted: return WeightedNMS(iouThreshold: value(.threshold), overlap: measure)
            case .diou: return GreedyNMS.diou(iouThreshold: value(.threshold), beta: value(.beta))
            case .ciou: return GreedyNMS.ciou(iouThreshold: value(.threshold))
            case .cluster: return ClusterNMS(iouThreshold: value(.threshold), criterion: criterion)
            case .fastNMS: return FastNMS(iouThreshold: value(.threshold), overlap: measure)
            case .matrixGaussian: return MatrixNMS.gaussian(sigma: value(.sigma), overlap: measure)
            case .matrixLinear: return MatrixNMS(kernel: .linear, overlap: measure)
            case .wbf: return WeightedBoxesFusion(iouThreshold: value(.threshold), overlap: measure)
            case .greedyNMM: return NonMaximumMerging(.greedy, overlap: measure, threshold: value(.threshold))
            case .nmm: return NonMaximumMerging(.transitive, overlap: measure, threshold: value(.threshold))
            }
        }

        /// `name (p default, …)`, e.g. `diou (threshold 0.5, beta 1)`.
        public var synopsis: String {
            parameters.isEmpty ? rawValue
                : rawValue + " (" + parameters.map { "\($0.key.rawValue) \(formatted($0.value))" }.joined(separator: ", ") + ")"
        }

        /// `0.5`, `1`, `0.02`: a parameter value as people write it.
        public func formatted(_ v: Float) -> String { v == v.rounded() && abs(v) < 1e6 ? String(Int(v)) : "\(v)" }
    }

    /// One line per method, `name (defaults): summary`, for `--help`.
    public static var methodHelp: String {
        Kind.allCases.map { "\($0.synopsis): \($0.summary)" }.joined(separator: "\n")
    }
}
