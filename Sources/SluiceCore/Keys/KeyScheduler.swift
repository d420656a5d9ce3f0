import DequeModule

/// Decides which message may go to a worker next. Messages with the same key run one at a
/// time, in the order they were consumed; messages with different keys (or no key) run in
/// parallel. Keys are compared by a 64-bit hash: a collision only serialises two keys,
/// never reorders one.
package struct KeyScheduler {
    /// Messages free to dispatch, oldest first.
    package private(set) var ready: Deque<Int> = []
    /// Keys with a message in process, each with the messages waiting behind it.
    private var busyKeys: [Int: Deque<Int>] = [:]

    /// Messages held back behind a busy key.
    package private(set) var waitingCount = 0

    /// Adds a consumed message (`slot`) with its key hash, nil for no key.
    package mutating func enqueue(_ slot: Int, keyHash: Int?) {
        guard let keyHash else {
            ready.append(slot)
            return
        }
        if let index = busyKeys.index(forKey: keyHash) {
            busyKeys.values[index].append(slot)
            waitingCount += 1
        } else {
            busyKeys[keyHash] = []
            ready.append(slot)
        }
    }

    /// Calls `body` with every message queued, ready or waiting behind its key.
    package func forEachQueued(_ body: (Int) -> Void) {
        for slot in ready { body(slot) }
        for waiting in busyKeys.values {
            for slot in waiting { body(slot) }
        }
    }

    /// Takes the next message to dispatch.
    package mutating func next() -> Int? {
        ready.popFirst()
    }

    /// Puts a message back at the front (its worker died before answering); it keeps its key.
    package mutating func retryFirst(_ slot: Int) {
        ready.prepend(slot)
    }

    /// A message with this key got its verdict: the next one with the key becomes ready.
    /// The waiting messages are changed where they lie: a copy taken out of `busyKeys`
    /// would share their storage, and the first change would copy it all.
    package mutating func release(keyHash: Int?) {
        guard let keyHash, let index = busyKeys.index(forKey: keyHash) else { return }
        if let next = busyKeys.values[index].popFirst() {
            waitingCount -= 1
            ready.append(next)
        } else {
            busyKeys.remove(at: index)
        }
    }

    /// Removes every queued or waiting message for which `shouldDrop` is true, releasing
    /// the keys the dropped ready ones held, and returns them.
    package mutating func drop(where shouldDrop: (Int) -> Bool, keyHash: (Int) -> Int?) -> [Int] {
        var dropped: [Int] = []
        for (key, waiting) in busyKeys {
            let kept = waiting.filter { !shouldDrop($0) }
            dropped += waiting.filter(shouldDrop)
            busyKeys[key] = Deque(kept)
        }
        waitingCount -= dropped.count
        let droppedReady = ready.filter(shouldDrop)
        ready = Deque(ready.filter { !shouldDrop($0) })
        for slot in droppedReady { release(keyHash: keyHash(slot)) }
        // A release may have promoted a waiter that is itself to be dropped: repeat.
        let again = droppedReady.isEmpty ? [] : drop(where: shouldDrop, keyHash: keyHash)
        return dropped + droppedReady + again
    }
}
