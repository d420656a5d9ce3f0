/// The workers a dispatch pass may give requests to, least busy first (fewest in flight,
/// then lowest id): a binary heap built once per pass, so handing out a message costs a
/// heap operation instead of a scan over the whole pool, whatever its size.
package struct LeastBusyWorkers {
    /// A worker's place in the heap: its requests in flight and its slot in the pool.
    package struct Entry: Comparable {
        package var inFlight: Int
        package var index: Int

        package static func < (lhs: Entry, rhs: Entry) -> Bool {
            (lhs.inFlight, lhs.index) < (rhs.inFlight, rhs.index)
        }
    }

    private var heap: [Entry]
    /// A worker with this many in flight takes no more.
    package let limit: Int

    /// The entries below `limit`, the least busy on top.
    package init(_ entries: [Entry], limit: Int) {
        self.limit = limit
        heap = entries.filter { $0.inFlight < limit }
        for position in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(position) }
    }

    package var isEmpty: Bool { heap.isEmpty }

    /// The least busy worker's slot, without taking it.
    package var leastBusy: Int? { heap.first?.index }

    /// Counts one more request for the least busy worker: it goes back in its place, or
    /// leaves once it reaches the limit.
    package mutating func addRequestToLeastBusy() {
        guard !heap.isEmpty else { return }
        heap[0].inFlight += 1
        if heap[0].inFlight >= limit {
            heap.swapAt(0, heap.count - 1)
            heap.removeLast()
        }
        siftDown(0)
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < heap.count && heap[left] < heap[smallest] { smallest = left }
            if right < heap.count && heap[right] < heap[smallest] { smallest = right }
            if smallest == parent { return }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
