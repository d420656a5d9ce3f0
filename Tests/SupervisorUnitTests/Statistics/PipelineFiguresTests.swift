import Testing

@testable import Supervisor

/// What the pipeline counts, told to the figures as it happens.
@Suite struct PipelineFiguresTests {
    @Test func deliveredOutputsAreCountedByVerdict() {
        let figures = PipelineFigures()
        figures.consumed()
        figures.consumed()
        figures.consumed()
        figures.delivered(.success, source: .plugin, processing: .milliseconds(3))
        figures.delivered(.transient, source: .plugin, processing: .milliseconds(4))
        figures.delivered(.permanent, source: .retriesExhausted, processing: .milliseconds(5))
        figures.delivered(.permanent, source: .plugin, processing: .milliseconds(6))
        figures.retried()
        let counters = figures.counters
        #expect(counters.consumed == 3)
        #expect(counters.success == 1 && counters.transient == 1 && counters.permanent == 2)
        #expect(counters.retriesExhausted == 1 && counters.retried == 1 && counters.delivered == 4)
        #expect(figures.latencies.first { $0.name == "processing" }?.sinceStart.count == 4)
    }

    @Test func restartsAreCountedByReason() {
        let figures = PipelineFigures()
        figures.workerRestarted(reason: "crash")
        figures.workerRestarted(reason: "crash")
        figures.workerRestarted(reason: "timeout")
        #expect(figures.counters.workerRestarts == 3)
        #expect(figures.counters.restartsByReason == ["crash": 2, "timeout": 1])
    }

    @Test func gaugesAreSetAsPublished() {
        let figures = PipelineFigures()
        figures.setGauges(inFlight: 7, runningWorkers: 2, assignedPartitions: 4, paused: true)
        let counters = figures.counters
        #expect(counters.inFlight == 7 && counters.runningWorkers == 2 && counters.assignedPartitions == 4 && counters.paused)
    }
}
