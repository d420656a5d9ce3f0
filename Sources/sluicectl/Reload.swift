import ArgumentParser
import SluiceControl

struct Reload: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read the config file again and apply what can change live (as SIGHUP does).",
        discussion: """
            Live: plugin.workers, max_in_flight, message_timeout, start_retries, start_seconds,
            stop_timeout, poison_threshold, the plugin command (for each worker's next start:
            follow with `sluicectl restart`), [retries] but mode, [daemon] but control_socket,
            log.level. Anything else that changed is reported and kept until sluiced restarts.
            A file with an error changes nothing.
            """)
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        try connection.run(.reload) { $0.message ?? "" }
    }
}
