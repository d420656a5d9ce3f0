import Foundation

/// A request on the control socket: one JSON object per line, such as
/// `{"command": "scale", "workers": 4}`. Decoded once, here, into a case with its
/// arguments, so the daemon's switch over it is exhaustive and a missing argument is
/// refused before it gets there.
public enum ControlRequest: Sendable, Equatable {
    /// The pool, the partitions and the counters.
    case status
    /// Throughput, latency percentiles, retries and lag per partition.
    case stats
    /// The daemon's version.
    case version
    /// Reads the configuration again and applies what can change live.
    case reload
    /// Stops fetching, keeping group membership.
    case pause
    /// Undoes `pause`.
    case resume
    /// Grows or shrinks the pool to this many workers.
    case scale(workers: Int)
    /// A rolling restart of one worker, or of every worker when nil.
    case restart(worker: Int?)
    /// Stops one worker; it stays down until `start`.
    case stop(worker: Int)
    /// Starts a worker that was stopped or gave up (fatal).
    case start(worker: Int)
    /// Publishes the dead letters the filter takes back to the input topic; with `dryRun`,
    /// counts them only.
    case replay(filter: ReplayFilter, dryRun: Bool)
    /// The last stderr lines of one worker's plugin, or of every worker's when nil; with
    /// `follow`, then each new line as it comes, until the client hangs up.
    case tail(worker: Int?, follow: Bool)
    /// Sends a signal (a `SignalName`) to one worker's plugin, or to every worker's.
    case signal(name: String, worker: Int?)

    /// Why a line is not a request, in words for the client.
    public struct Invalid: Error, Equatable, Sendable {
        public let message: String

        public init(message: String) {
            self.message = message
        }

        static let notARequest = Invalid(message: "not a control request: expected {\"command\": …}")
    }

    /// The request a line holds, or why it holds none.
    public static func decode(_ line: Data) -> Result<ControlRequest, Invalid> {
        do {
            return .success(try JSONDecoder().decode(ControlRequest.self, from: line))
        } catch let invalid as Invalid {
            return .failure(invalid)
        } catch {
            return .failure(.notARequest)
        }
    }

    /// The request's name on the wire.
    public var command: String {
        switch self {
        case .status: "status"
        case .stats: "stats"
        case .version: "version"
        case .reload: "reload"
        case .pause: "pause"
        case .resume: "resume"
        case .scale: "scale"
        case .restart: "restart"
        case .stop: "stop"
        case .start: "start"
        case .replay: "replay"
        case .tail: "tail"
        case .signal: "signal"
        }
    }
}

extension ControlRequest: Codable {
    private enum CodingKeys: String, CodingKey {
        case command, workers, worker, filter, dryRun, follow, signal
    }

    public init(from decoder: any Decoder) throws {
        guard let container = try? decoder.container(keyedBy: CodingKeys.self),
            let command = try? container.decode(String.self, forKey: .command)
        else { throw Invalid.notARequest }
        /// An argument present and of its type, or a refusal naming it.
        func argument<Value: Decodable>(_ key: CodingKeys, _ meaning: String) throws(Invalid) -> Value {
            guard let value = try? container.decodeIfPresent(Value.self, forKey: key) else {
                throw Invalid(message: "\(command): needs \"\(key.stringValue)\", \(meaning)")
            }
            return value
        }
        switch command {
        case "status": self = .status
        case "stats": self = .stats
        case "version": self = .version
        case "reload": self = .reload
        case "pause": self = .pause
        case "resume": self = .resume
        case "scale": self = .scale(workers: try argument(.workers, "the pool size wanted"))
        case "restart":
            // Absent means every worker; present, it must be an id.
            guard container.contains(.worker) else {
                self = .restart(worker: nil)
                return
            }
            self = .restart(worker: try argument(.worker, "a worker id"))
        case "tail":
            let follow = container.contains(.follow) ? try argument(.follow, "true or false") : false
            self = .tail(worker: container.contains(.worker) ? try argument(.worker, "a worker id") : nil, follow: follow)
        case "signal":
            let name: String = try argument(.signal, "a signal name")
            guard let canonical = SignalName.canonical(name) else {
                throw Invalid(message: "signal: unknown signal \"\(name.prefix(20))\" (known: \(SignalName.known))")
            }
            self = .signal(name: canonical, worker: container.contains(.worker) ? try argument(.worker, "a worker id") : nil)
        case "stop": self = .stop(worker: try argument(.worker, "a worker id"))
        case "start": self = .start(worker: try argument(.worker, "a worker id"))
        case "replay":
            let filter = container.contains(.filter) ? try argument(.filter, "a replay filter") : ReplayFilter()
            let dryRun = container.contains(.dryRun) ? try argument(.dryRun, "true or false") : false
            self = .replay(filter: filter, dryRun: dryRun)
        default:
            throw Invalid(message: "unknown command \"\(command.prefix(40))\"")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(command, forKey: .command)
        switch self {
        case .status, .stats, .version, .reload, .pause, .resume:
            break
        case .scale(let workers):
            try container.encode(workers, forKey: .workers)
        case .restart(let worker):
            try container.encodeIfPresent(worker, forKey: .worker)
        case .stop(let worker), .start(let worker):
            try container.encode(worker, forKey: .worker)
        case .replay(let filter, let dryRun):
            try container.encode(filter, forKey: .filter)
            try container.encode(dryRun, forKey: .dryRun)
        case .tail(let worker, let follow):
            try container.encodeIfPresent(worker, forKey: .worker)
            try container.encode(follow, forKey: .follow)
        case .signal(let name, let worker):
            try container.encode(name, forKey: .signal)
            try container.encodeIfPresent(worker, forKey: .worker)
        }
    }
}
