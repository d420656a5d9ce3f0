import Foundation
import Logging
import SluiceControl
import Synchronization

extension ControlServer {
    /// Where the replay thread leaves its outcome for the pipeline thread.
    final class ReplayMailbox: Sendable {
        private let outcome = Mutex<Result<ReplayProgress, KafkaError>?>(nil)

        func post(_ result: Result<ReplayProgress, KafkaError>) {
            outcome.withLock { $0 = result }
        }

        func take() -> Result<ReplayProgress, KafkaError>? {
            outcome.withLock { value in
                defer { value = nil }
                return value
            }
        }
    }

    /// `sluicectl dlq replay`: runs a `Replayer` with the daemon's `settings` (and Kafka
    /// credentials) on a thread of its own, which rings `wakeup` when done; `client` gets
    /// its answer then (`answerFinishedReplay`). One replay at a time. Returns an answer
    /// now only when the replay cannot start.
    func startReplay(
        filter: ReplayFilter, dryRun: Bool, client: Int, settings: Settings, logger: Logger, wakeup: NotificationPipe
    ) -> ControlResponse? {
        guard !isWaitingForReplay else {
            return ControlResponse(ok: false, error: "dlq replay: another replay is running; wait for it to finish")
        }
        let replayer: Replayer
        do {
            replayer = try Replayer(settings: settings, filter: filter, dryRun: dryRun, logger: logger)
        } catch {
            return ControlResponse(ok: false, error: "dlq replay: \(error)")
        }
        waitForReplay(client: client)
        logger.info("replay \(dryRun ? "(dry run) " : "")of \(settings.permanentTopic) to \(settings.inputTopics) for sluicectl: \(filter)")
        let mailbox = replayMailbox
        let thread = Thread {
            let outcome: Result<ReplayProgress, KafkaError>
            do throws(KafkaError) {
                outcome = .success(try replayer.run { progress in logger.info("replay \(progress)") })
            } catch {
                outcome = .failure(error)
            }
            mailbox.post(outcome)
            wakeup.ring()
        }
        thread.name = "sluice-replay"
        thread.start()
        return nil
    }

    /// Sends a finished replay's counts to the client that asked for it, if still there.
    func answerFinishedReplay(logger: Logger) {
        guard isWaitingForReplay, let outcome = replayMailbox.take() else { return }
        let response: ControlResponse
        switch outcome {
        case .success(let progress):
            logger.info("replay done: \(progress)")
            response = ControlResponse(ok: true, message: "replay done: \(progress)", replay: progress)
        case .failure(let error):
            logger.error("replay failed: \(error)")
            response = ControlResponse(ok: false, error: "dlq replay: \(error); run it again to resume")
        }
        answerReplay(response)
    }
}
