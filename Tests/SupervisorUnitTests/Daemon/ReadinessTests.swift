import Testing

@testable import Supervisor

/// READY=1 and /readyz: ready once in the group with the workers running, once only, and
/// never again after the stop has begun.
@Suite struct ReadinessTests {
    @Test func readyOnceInTheGroupWithWorkersRunning() {
        var readiness = Readiness()
        let became1 = readiness.becomeReady(pluginsJoinTheGroup: false, workersRunning: true)
        #expect(!became1, "not in the group yet")
        readiness.joinedGroup()
        let became2 = readiness.becomeReady(pluginsJoinTheGroup: false, workersRunning: false)
        #expect(!became2, "workers still starting")
        #expect(readiness.notReadyReason == "not yet in the group with its workers running")
        let became3 = readiness.becomeReady(pluginsJoinTheGroup: false, workersRunning: true)
        #expect(became3)
        #expect(readiness.isReady && readiness.notReadyReason == nil)
        let became4 = readiness.becomeReady(pluginsJoinTheGroup: false, workersRunning: true)
        #expect(!became4, "READY=1 is sent once")
        readiness.joinedGroup()
        #expect(readiness.isReady, "a later assignment changes nothing")
    }

    @Test func kafkaNativePluginsJoinTheGroupThemselves() {
        var readiness = Readiness()
        let became5 = readiness.becomeReady(pluginsJoinTheGroup: true, workersRunning: true)
        #expect(became5)
    }

    @Test func neverReadyOnceStopping() {
        var readiness = Readiness()
        readiness.joinedGroup()
        readiness.stop()
        let became6 = readiness.becomeReady(pluginsJoinTheGroup: false, workersRunning: true)
        #expect(!became6, "no READY=1 after STOPPING=1")
        #expect(!readiness.isReady && readiness.notReadyReason == "stopping")
        var ready = Readiness()
        ready.joinedGroup()
        _ = ready.becomeReady(pluginsJoinTheGroup: false, workersRunning: true)
        ready.stop()
        #expect(!ready.isReady && ready.notReadyReason == "stopping")
    }
}
