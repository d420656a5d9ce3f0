import Logging
import SluiceSupport

extension Pipeline {
    /// How long a partition's commit position may stand still while it holds messages
    /// before it is reported: well past what one message may take (`messageTimeout`).
    var stallThreshold: Duration { max(settings.messageTimeout * 2, .seconds(10)) }

    /// How long the partition's commit position has stood still while it held messages,
    /// once that is past `stallThreshold`; nil otherwise.
    func stall(of progress: PartitionProgress, now: ContinuousClock.Instant) -> Duration? {
        guard progress.held > 0, !progress.isRevoked else { return nil }
        let stalled = now - progress.positionMovedAt
        return stalled >= stallThreshold ? stalled : nil
    }

    /// Logs, once per stand-still, each partition whose commit position has not moved for
    /// `stallThreshold` while it holds messages: nothing after its first unfinished
    /// message is committed, and a restart would redo all of it. Checked once a second.
    func reportStalledPartitions(now: ContinuousClock.Instant) {
        for progress in partitions.all where !progress.stallReported {
            guard let stalled = stall(of: progress, now: now) else { continue }
            progress.stallReported = true
            var metadata: Logger.Metadata = ["held": "\(progress.held)"]
            if let position = progress.position { metadata["offset"] = "\(position)" }
            logger.warning(
                "commit position of \(progress.topic)[\(progress.partition)] has not moved for \(stalled.wholeSeconds) s while it holds messages; nothing after it is committed",
                metadata: metadata)
        }
    }

    /// The partition's commit position moved: a stand-still that was reported is over.
    func positionMoved(_ progress: PartitionProgress) {
        if progress.stallReported {
            progress.stallReported = false
            logger.info(
                "commit position of \(progress.topic)[\(progress.partition)] moves again after \((loop.time - progress.positionMovedAt).wholeSeconds) s")
        }
        progress.positionMovedAt = loop.time
    }
}
