import Boxes

extension Suppressor {
    /// Runs this method over detections of any number of images and categories.
    ///
    /// 1. Validates every record (`Detections/validate()`) and the options; oriented detections need a method that
    ///    takes them (``acceptsOrientedBoxes``).
    /// 2. Drops records with `score < scoreThreshold`.
    /// 3. Splits them into groups: per (image, category), or per image when class-agnostic. Groups are kept
    ///    apart by construction, never by offsetting coordinates.
    /// 4. Runs ``suppress(_:)`` on each group and keeps at most ``SuppressionOptions/maxPerGroup`` of its
    ///    best-scoring survivors.
    /// 5. Returns images in order of first appearance; inside an image, survivors by final score, descending,
    ///    equal scores by input index; at most ``SuppressionOptions/maxDetections`` per image.
    public func apply(to detections: Detections, options: SuppressionOptions = .init()) throws -> [KeptDetection] {
        try detections.validate()
        try options.validate()
        if detections.rotated != nil, !acceptsOrientedBoxes { throw SuppressionError.notOriented(name) }
        let threshold = options.scoreThreshold ?? defaultScoreThreshold
        let (imageOrder, groupsPerImage, members) = Grouping.groups(of: detections, threshold: threshold, options: options)
        let modelCount = detections.models.map { Set($0).count } ?? 1
        var kept: [KeptDetection] = []
        for image in imageOrder {
            var fromImage: [KeptDetection] = []
            for g in groupsPerImage[image] ?? [] {
                let indices = members[g]
                let group = SuppressionGroup(
                    boxes: detections.boxes.gathering(indices),
                    scores: indices.map { detections.scores[$0] },
                    deviations: detections.deviations.map { d in indices.map { d[$0] } },
                    models: detections.models.map { m in indices.map { m[$0] } }, modelCount: modelCount,
                    convention: options.convention, scoreThreshold: threshold,
                    rotated: detections.rotated.map { r in indices.map { r[$0] } })
                var survivors = try suppress(group).map {
                    KeptDetection(index: indices[$0.position], score: $0.score, box: $0.box, rotated: $0.rotated)
                }
                Grouping.sortByScore(&survivors)
                if let cap = options.maxPerGroup, survivors.count > cap { survivors.removeLast(survivors.count - cap) }
                fromImage += survivors
            }
            Grouping.sortByScore(&fromImage)
            if let cap = options.maxDetections, fromImage.count > cap { fromImage.removeLast(fromImage.count - cap) }
            kept += fromImage
        }
        return kept
    }
}

/// Splitting detections into suppression groups, and the order survivors come out in.
enum Grouping {
    /// Score descending, then input index ascending.
    static func sortByScore(_ items: inout [KeptDetection]) {
        items.sort { $0.score != $1.score ? $0.score > $1.score : $0.index < $1.index }
    }

    /// Images in first-appearance order, each image's groups, and each group's record indices (input order).
    static func groups(
        of d: Detections, threshold: Float, options: SuppressionOptions
    ) -> (images: [Int], groupsPerImage: [Int: [Int]], members: [[Int]]) {
        struct Key: Hashable {
            var image: Int
            var category: Int
        }
        var groupOf: [Key: Int] = [:]
        var members: [[Int]] = []
        var imageOrder: [Int] = []
        var groupsPerImage: [Int: [Int]] = [:]
        var last: (key: Key, group: Int)?
        for i in 0..<d.count where d.scores[i] >= threshold {
            let key = Key(image: d.images[i], category: options.classAgnostic ? 0 : d.categories[i])
            if let last, last.key == key {  // records usually come in runs: hash only when the key changes
                members[last.group].append(i)
            } else if let g = groupOf[key] {
                members[g].append(i)
                last = (key, g)
            } else {
                let g = members.count
                groupOf[key] = g
                members.append([i])
                last = (key, g)
                if groupsPerImage[key.image] == nil { imageOrder.append(key.image) }
                groupsPerImage[key.image, default: []].append(g)
            }
        }
        return (imageOrder, groupsPerImage, members)
    }
}
