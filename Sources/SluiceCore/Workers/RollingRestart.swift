/// `sluicectl restart`: the workers to restart one at a time, each drained first so nothing
/// is redone, and the one under way. Pure: the pool says how each worker stands.
package struct RollingRestart {
    /// Worker ids waiting their turn, in the order asked.
    package private(set) var waiting: [Int] = []
    /// The worker draining or starting again now.
    package private(set) var current: Int?

    package init() {}

    /// Queues `ids` (a worker already waiting keeps its place).
    package mutating func queue(_ ids: [Int]) {
        for id in ids where !waiting.contains(id) { waiting.append(id) }
    }

    /// The pool stops: no worker waiting is restarted. One drained later for its restart
    /// would start a fresh child while the pool waits for every child to exit.
    package mutating func cancel() {
        waiting.removeAll()
        current = nil
    }

    /// The next worker to drain for its restart, once the current one is done
    /// (`isDone`: running again, or gone); `canRestart` skips those that cannot be (no
    /// child, retiring). Nil while the current one is under way or none is left.
    package mutating func next(isDone: (Int) -> Bool, canRestart: (Int) -> Bool) -> Int? {
        if let current {
            guard isDone(current) else { return nil }
            self.current = nil
        }
        while !waiting.isEmpty {
            let id = waiting.removeFirst()
            guard canRestart(id) else { continue }
            current = id
            return id
        }
        return nil
    }

    /// The next worker to drain for its restart, as `worker(id)` says it stands (its life,
    /// and whether it has a child; nil once the slot is gone): the current one is done once
    /// it runs again, or has no child and is not draining to restart; a worker with no
    /// child, or retiring, is skipped.
    package mutating func next(worker: (Int) -> (life: WorkerLife, hasChild: Bool)?) -> Int? {
        next(
            isDone: { id in
                guard let worker = worker(id) else { return true }
                return worker.life.state == .running || !worker.hasChild && !worker.life.isDrainingForRestart
            },
            canRestart: { id in worker(id).map { $0.hasChild && !$0.life.isRetiring } ?? false })
    }
}
