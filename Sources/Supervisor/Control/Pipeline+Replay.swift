import Foundation
import SluiceControl

extension Pipeline {
    /// `sluicectl dlq replay`: runs a `Replayer` with this daemon's settings (and Kafka
    /// credentials) on a thread of its own; the client gets its answer when it is done.
    /// One replay at a time. Returns an answer now only when the replay cannot start.
    func startReplay(filter: ReplayFilter, dryRun: Bool, client: Int) -> ControlResponse? {
        guard !control.isWaitingForReplay else {
            return ControlResponse(ok: false, error: "dlq replay: another replay is running; wait for it to finish")
        }
        let replayer: Replayer
        do {
            replayer = try Replayer(settings: settings, filter: filter, dryRun: dryRun, logger: logger)
        } catch {
            return ControlResponse(ok: false, error: "dlq replay: \(error)")
        }
        control.waitForReplay(client: client)
        logger.info("replay \(dryRun ? "(dry run) " : "")of \(settings.permanentTopic) to \(settings.inputTopic) for sluicectl: \(filter)")
        let shared = self.shared
        let wakeup = loop.wakeup
        let logger = self.logger
        let thread = Thread {
            let outcome: Result<ReplayProgress, KafkaError>
            do throws(KafkaError) {
                outcome = .success(try replayer.run { progress in logger.info("replay \(progress)") })
            } catch {
                outcome = .failure(error)
            }
            shared.withLock { $0.finishedReplay = outcome }
            wakeup.ring()
        }
        thread.name = "sluice-replay"
        thread.start()
        return nil
    }

    /// Sends a finished replay's counts to the client that asked for it, if still there.
    func answerFinishedReplay() {
        guard control.isWaitingForReplay, let outcome = shared.withLock({ $0.finishedReplay }) else { return }
        shared.withLock { $0.finishedReplay = nil }
        let response: ControlResponse
        switch outcome {
        case .success(let progress):
            logger.info("replay done: \(progress)")
            response = ControlResponse(ok: true, message: "replay done: \(progress)", replay: progress)
        case .failure(let error):
            logger.error("replay failed: \(error)")
            response = ControlResponse(ok: false, error: "dlq replay: \(error); run it again to resume")
        }
        control.answerReplay(response)
    }
}
