/// Where the daemon is in its life as systemd (READY=1) and /readyz see it: starting until
/// it is in its group with its workers running, then ready, then stopping once the ordered
/// stop has begun, for good. Pure; the caller tells systemd.
struct Readiness {
    enum State: Equatable {
        case starting(joinedGroup: Bool)
        case ready
        case stopping
    }

    private(set) var state = State.starting(joinedGroup: false)

    /// The first assignment came: the group is joined.
    mutating func joinedGroup() {
        if case .starting = state { state = .starting(joinedGroup: true) }
    }

    /// Becomes ready once the group is joined (or the plugins join it themselves, as
    /// kafka-native instances do) and the workers run; true only the once it does, when
    /// READY=1 is due. Never after the stop has begun.
    mutating func becomeReady(pluginsJoinTheGroup: Bool, workersRunning: Bool) -> Bool {
        guard case .starting(let joined) = state, joined || pluginsJoinTheGroup, workersRunning else { return false }
        state = .ready
        return true
    }

    /// The ordered stop has begun.
    mutating func stop() {
        state = .stopping
    }

    var isReady: Bool { state == .ready }

    /// Why /readyz says no, nil when ready.
    var notReadyReason: String? {
        switch state {
        case .starting: "not yet in the group with its workers running"
        case .ready: nil
        case .stopping: "stopping"
        }
    }
}
