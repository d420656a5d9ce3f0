import PluginProtocol
import Testing

@testable import SluiceCore

/// When a verdict's outputs are all settled: every one that will be enqueued was, and each
/// was delivered or refused for good; after a refusal, none after it is enqueued.
@Suite struct VerdictOutputTests {
    func fanOut(_ count: Int) -> VerdictOutput {
        VerdictOutput(verdict: .success, outputs: Array(repeating: ResponseFrame.Output(payload: nil), count: count))
    }

    @Test func singleOutputSettlesWithItsDelivery() {
        var output = VerdictOutput(verdict: .success)
        #expect(output.outputCount == 1 && !output.isSettled)
        output.enqueued = 1
        #expect(!output.isSettled)
        output.settled = 1
        #expect(output.isSettled)
    }

    @Test func dropHasNothingToSettle() {
        let output = VerdictOutput(verdict: .drop)
        #expect(output.outputCount == 0 && output.isSettled)
    }

    @Test func fanOutSettlesWhenTheLastIsDelivered() {
        var output = fanOut(3)
        output.enqueued = 2  // the queue had no room for the third
        output.settled = 2
        #expect(!output.isSettled)  // the third is still to come
        output.enqueued = 3
        #expect(!output.isSettled)
        output.settled = 3
        #expect(output.isSettled)
    }

    /// Output 2 of 4 refused at enqueue: output 1 is in flight, 3 and 4 are never written;
    /// settled once output 1's report is in.
    @Test func aRefusalWaitsOnlyForWhatIsInFlight() {
        var output = fanOut(4)
        output.enqueued = 1
        output.refusal = "the broker refused output 2 of 4"
        #expect(!output.isSettled)
        output.settled = 1
        #expect(output.isSettled)
    }
}
