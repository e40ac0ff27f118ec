import COCO

/// Positions of a ground truth's annotations and of detections grouped by image, in input order: how TIDE and the
/// confusion matrix walk a dataset image by image.
enum ImageGrouping {
    /// Per image of `groundTruth` (by position), the positions of its annotations.
    static func annotations(of groundTruth: COCOGroundTruth) -> [[Int]] {
        var byImage = [[Int]](repeating: [], count: groundTruth.images.count)
        for (k, a) in groundTruth.annotations.enumerated() { byImage[a.image].append(k) }
        return byImage
    }

    /// Per image of `groundTruth` (by position), the positions of the detections on it.
    static func detections(_ detections: EvaluatedDetections, of groundTruth: COCOGroundTruth) -> [[Int]] {
        var byImage = [[Int]](repeating: [], count: groundTruth.images.count)
        for i in 0..<detections.count { byImage[detections.images[i]].append(i) }
        return byImage
    }
}
