import Foundation
import Synchronization

/// Byte-pair encoding of one word (Sennrich et al. 2016) with CLIP's ranked merges, as openai/CLIP's
/// `SimpleTokenizer.bpe` applies them: the word starts as its bytes (the last one in its end-of-word form,
/// `x</w>`); then, as long as some adjacent pair has a merge, the pair with the lowest rank is merged everywhere,
/// left to right without overlaps. Symbols are vocabulary ids; a merge of `a` and `b` gives the id of `ab`.
struct BytePairMerges: Sendable {
    /// (left id << 32 | right id) to (rank << 32 | merged id).
    private let merges: [UInt64: UInt64]

    init(merges: [UInt64: UInt64]) {
        self.merges = merges
    }

    /// The key of the pair (left, right).
    static func key(_ left: Int32, _ right: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
    }

    /// The value of a merge of rank `rank` into `merged`.
    static func value(rank: Int, merged: Int32) -> UInt64 {
        UInt64(rank) << 32 | UInt64(UInt32(bitPattern: merged))
    }

    /// Merges `word` (vocabulary ids) in place until no adjacent pair has a merge.
    func apply(_ word: inout [Int32]) {
        while word.count > 1 {
            var best = UInt64.max, at = 0
            for i in 0..<(word.count - 1) {
                if let v = merges[Self.key(word[i], word[i + 1])], v < best {
                    best = v
                    at = i
                }
            }
            guard best != .max else { return }
            let merged = Int32(bitPattern: UInt32(truncatingIfNeeded: best))
            let left = word[at], right = word[at + 1]
            var w = 0, i = 0
            let n = word.count
            while i < n {
                if i + 1 < n, word[i] == left, word[i + 1] == right {
                    word[w] = merged
                    i += 2
                } else {
                    word[w] = word[i]
                    i += 1
                }
                w += 1
            }
            word.removeLast(n - w)
        }
    }
}

/// A thread-safe cache of BPE results by word bytes, shared by copies of a tokenizer. It holds at most
/// `capacity` words and starts afresh when full.
final class BytePairCache: Sendable {
    private let entries = Mutex<[[UInt8]: [Int32]]>([:])
    private let capacity: Int

    init(capacity: Int = 65_536) {
        self.capacity = capacity
    }

    func value(for word: [UInt8]) -> [Int32]? { entries.withLock { $0[word] } }

    func store(_ ids: [Int32], for word: [UInt8]) {
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[word] = ids
        }
    }
}
