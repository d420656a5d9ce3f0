/// One message as the simulated world sees it, from the poll that gave it to the flow to
/// its end: where it came from, where it is, and what of it Kafka holds.
struct SimulatedInstance {
    let partition: SimulatedPartition.ID
    let offset: Int64
    /// The message's own id, the same in every copy (a redelivery, a retry).
    let messageID: Int
    /// The key, nil for none: keys are unique to a partition.
    let key: Int?
    /// The flow's slot while it holds the message.
    let slot: Int
    /// The assignment of its partition it was polled in.
    let epoch: Int
    /// The worker it is at now, if any.
    var worker: Int?
    /// Its own process runs it now (protocol exec).
    var atExecRun = false
    /// Its worker failed while it was there: it must run alone.
    var isSuspect = false
    /// The success outputs the plugin's answer asked for (0 for a drop), if it answered so.
    var successOutputs: Int?
    /// Success outputs stored, by index.
    var storedSuccess: Set<Int> = []
    /// From its first send until every output of its verdict is enqueued (or it ends): its
    /// key may not go to a worker with another message meanwhile.
    var holdsKey = false
    /// Outputs enqueued for the first time, by index, to check a key's order.
    var firstEnqueued: Set<Int> = []
    /// The flow said to forget it.
    var ended = false
}
