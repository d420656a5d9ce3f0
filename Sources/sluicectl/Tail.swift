import ArgumentParser
import Foundation
import SluiceControl

/// `sluicectl tail [-f] [ID|all]`: plugins' stderr, as supervisorctl's tail shows a
/// program's.
struct Tail: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the last stderr lines of a worker's plugin (or of every worker's); -f follows new ones.")
    @Flag(name: .shortAndLong, help: "Keep printing each new line as the plugin writes it, until Ctrl-C.") var follow = false
    @Argument(help: "A worker id, or all (the default).") var target: String = "all"
    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        guard target == "all" || Int(target) != nil else { throw ValidationError("give a worker id or all") }
    }

    func run() throws {
        let worker = Int(target)
        // One worker's lines as it wrote them; every worker's with the worker in front.
        let render = { (lines: [PluginOutputLine]) in
            lines.map { worker == nil ? "worker \($0.worker): \($0.line)" : $0.line }.joined(separator: "\n")
        }
        guard follow else {
            try connection.run(.tail(worker: worker, follow: false)) { response in render(response.lines ?? []) }
            return
        }
        try connection.follow(.tail(worker: worker, follow: true)) { response in render(response.lines ?? []) }
    }
}
