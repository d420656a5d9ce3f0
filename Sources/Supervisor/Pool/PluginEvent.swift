import SluiceCore

/// What a plugin's child did that the message flow must know: the supervisor reads the
/// pipes and reaps the children, the pipeline hands these to the flow.
enum PluginEvent {
    /// Worker index `worker` answered `request` with `output`.
    case answer(worker: Int, MessageFlow.AnswerTo, VerdictOutput)
    /// Protocol exec: the run for the message in `slot` ended (or could not start).
    case execAnswer(slot: Int, VerdictOutput)
    /// Worker index `worker`'s child exited, leaving what it held unanswered.
    case exited(worker: Int, MessageFlow.Exit)
    /// Worker id `worker`'s child wrote a line to stderr (`sluicectl tail -f`).
    case said(worker: Int, Substring)
}
