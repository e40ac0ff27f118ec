/// Dense keys for `image_id`s, in order of first appearance: what a results file's records are grouped by before
/// the images are looked up. The last id is remembered, since records come grouped by image. Package-internal.
package struct ImageKeys: Sendable {
    /// The distinct ids, in order of first appearance: key `k` is `ids[k]`.
    package private(set) var ids: [COCOImageID] = []
    private var keyOf: [COCOImageID: Int] = [:]
    private var last: (id: COCOImageID, key: Int)?

    /// No ids yet.
    package init() {}

    /// The key of `id`, a new one when it is new.
    package mutating func key(for id: COCOImageID) -> Int {
        if let last, last.id == id { return last.key }
        let key = keyOf[id] ?? ids.count
        if key == ids.count {
            keyOf[id] = key
            ids.append(id)
        }
        last = (id, key)
        return key
    }
}
