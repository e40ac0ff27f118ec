/// Category ids to their positions in a list of ids, for lookups once per detection: a table when the ids are
/// small non-negative integers (COCO's are 1…90), a dictionary otherwise.
struct CategoryIndex {
    private var table: [Int32] = []
    private var dictionary: [Int: Int] = [:]

    /// The largest id the table covers.
    private static let tableLimit = 1 << 16

    /// An index of `ids` (distinct).
    init(_ ids: [Int]) {
        if ids.allSatisfy({ $0 >= 0 && $0 < Self.tableLimit }) {
            table = [Int32](repeating: -1, count: (ids.max() ?? -1) + 1)
            for (position, id) in ids.enumerated() { table[id] = Int32(position) }
        } else {
            dictionary = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0) })
        }
    }

    /// The position of `id`, or nil when it is not among the ids.
    subscript(_ id: Int) -> Int? {
        if dictionary.isEmpty {
            guard id >= 0 && id < table.count, table[id] >= 0 else { return nil }
            return Int(table[id])
        }
        return dictionary[id]
    }
}
