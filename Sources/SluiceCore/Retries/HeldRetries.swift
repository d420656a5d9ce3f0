import HeapModule

/// The transient failures the retrier holds until they are due, soonest first: any number
/// at once, so a long delay never holds back a shorter one behind it. Pure; times are
/// wall-clock milliseconds (the due times travel in headers between processes).
package struct HeldRetries {
    private var timers = Heap<RetryTimer>()

    package var count: Int { timers.count }

    /// Holds the message in `slot` until `due`.
    package mutating func hold(_ slot: Int, due: Int64) {
        timers.insert(RetryTimer(due: due, slot: slot))
    }

    /// Calls `body` with every slot held, in no order.
    package func forEach(_ body: (Int) -> Void) {
        for timer in timers.unordered { body(timer.slot) }
    }

    /// Takes every slot due at `now`, soonest first.
    package mutating func takeDue(at now: Int64) -> [Int] {
        var due: [Int] = []
        while let first = timers.min, first.due <= now {
            timers.removeMin()
            due.append(first.slot)
        }
        return due
    }

    /// The wait from `now` until the next one is due (zero when one is overdue).
    package func timeUntilNext(at now: Int64) -> Duration? {
        timers.min.map { .milliseconds(max(0, $0.due - now)) }
    }

    /// Takes the held slots for which `predicate` holds (a revoke, a stop), soonest first;
    /// the others stay.
    package mutating func take(where predicate: (Int) -> Bool) -> [Int] {
        let taken = timers.unordered.filter { predicate($0.slot) }
        guard !taken.isEmpty else { return [] }
        timers = Heap(timers.unordered.filter { !predicate($0.slot) })
        return taken.sorted().map(\.slot)
    }
}
