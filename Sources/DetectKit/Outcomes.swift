import Synchronization

/// One outcome per item of a parallel loop, filled in any order, read in item order.
final class Outcomes<Element: Sendable>: Sendable {
    private let slots: Mutex<[Element?]>
    init(count: Int) { slots = Mutex(Array(repeating: nil, count: count)) }
    func set(_ i: Int, _ element: Element) { slots.withLock { $0[i] = element } }
    var all: [Element] { slots.withLock { $0.compactMap { $0 } } }
}
