import Synchronization

/// One result per item of a parallel loop, filled in any order and read in item order.
final class Slots<Element: Sendable>: Sendable {
    private let slots: Mutex<[Element?]>

    init(count: Int) { slots = Mutex(Array(repeating: nil, count: count)) }

    func set(_ i: Int, _ element: Element) { slots.withLock { $0[i] = element } }

    /// The results set so far, in item order (items without one are left out).
    var all: [Element] { slots.withLock { $0.compactMap { $0 } } }
}
