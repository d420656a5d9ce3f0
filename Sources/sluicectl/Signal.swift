import ArgumentParser
import SluiceControl

/// `sluicectl signal SIG [ID|all]`: a signal to plugin processes, as supervisorctl's signal.
struct Signal: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Send a signal to a worker's plugin (or to every worker's), e.g. HUP to have it reload its own config.")
    @Argument(help: "The signal: a name (HUP, SIGUSR1) or a number.") var signal: String
    @Argument(help: "A worker id, or all (the default).") var target: String = "all"
    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        guard SignalName.canonical(signal) != nil else { throw ValidationError("unknown signal \(signal) (known: \(SignalName.known))") }
        guard target == "all" || Int(target) != nil else { throw ValidationError("give a worker id or all") }
    }

    func run() throws {
        try connection.run(.signal(name: SignalName.canonical(signal)!, worker: Int(target))) { $0.message ?? "" }
    }
}
