import Logging
import SluiceSupport

extension Pipeline {
    /// How long a partition's commit position may stand still while it holds messages
    /// before it is reported: well past what one message may take (`messageTimeout`).
    var stallThreshold: Duration { max(settings.messageTimeout * 2, .seconds(10)) }

    /// Logs, once per stand-still, each partition whose commit position has not moved for
    /// `stallThreshold` while it holds messages: nothing after its first unfinished
    /// message is committed, and a restart would redo all of it. Checked once a second.
    func reportStalledPartitions(now: ContinuousClock.Instant) {
        for progress in partitions.all {
            guard let stalled = progress.stallToReport(at: now, threshold: stallThreshold) else { continue }
            var metadata: Logger.Metadata = ["held": "\(progress.held)"]
            if let position = progress.position { metadata["offset"] = "\(position)" }
            logger.warning(
                "commit position of \(progress.topic)[\(progress.partition)] has not moved for \(stalled.wholeSeconds) s while it holds messages; nothing after it is committed",
                metadata: metadata)
        }
    }

    /// The partition's commit position moved: a stand-still that was reported is over.
    func positionMoved(_ progress: PartitionProgress) {
        if let stood = progress.positionMoved(at: loop.time) {
            logger.info("commit position of \(progress.topic)[\(progress.partition)] moves again after \(stood.wholeSeconds) s")
        }
    }
}
