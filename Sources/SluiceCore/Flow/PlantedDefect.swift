#if PLANTED_DEFECTS
/// Defects the simulator must catch, each planted by a switch that only the simulator's
/// defects build compiles (trait `PlantedDefects`, built by `make sim`): proof that the
/// invariants bite. The daemon's build has none of this.
package enum PlantedDefect: String, CaseIterable, Sendable {
    /// A fan-out's message is finished, and its offset may be stored, at its first
    /// delivery.
    case commitAtFirstFanOutDelivery = "commit-at-first-fan-out-delivery"
    /// The next message with a key goes to a worker before this one's output is enqueued.
    case releaseKeyBeforeEnqueue = "release-key-before-enqueue"
    /// A dead worker's unanswered messages are handed back twice.
    case handBackTwice = "hand-back-twice"
    /// A worker running a suspect alone is given other work.
    case isolatingWorkerTakesWork = "isolating-worker-takes-work"
    /// A held retry of a revoked partition is dropped from the held ones and nothing else.
    case forgetHeldRetryOnRevoke = "forget-held-retry-on-revoke"
}

extension MessageFlow {
    /// The defect planted in this flow, if any.
    package nonisolated(unsafe) static var planted: PlantedDefect?
}
#endif
