import Foundation
import SluiceControl
import Testing

/// The control socket's request, decoded once: every case survives the wire, the lines
/// sluicectl has always sent still decode, and a bad line gets a reason instead of a case.
@Suite struct ControlRequestTests {
    static let everyRequest: [ControlRequest] = [
        .status, .stats, .version, .reload, .pause, .resume, .scale(workers: 4), .restart(worker: nil), .restart(worker: 2),
        .stop(worker: 3), .start(worker: 1), .replay(filter: ReplayFilter(), dryRun: false),
        .replay(filter: ReplayFilter(from: 1, to: 2, reasonContains: "bad", source: "plugin"), dryRun: true),
        .tail(worker: nil, follow: false), .tail(worker: 2, follow: true), .signal(name: "HUP", worker: nil),
        .signal(name: "USR1", worker: 3),
    ]

    @Test(arguments: everyRequest) func everyRequestSurvivesTheWire(_ request: ControlRequest) throws {
        let line = try JSONEncoder().encode(request)
        #expect(ControlRequest.decode(line) == .success(request))
    }

    @Test func linesOfTheWireFormatDecode() {
        let lines: [(String, ControlRequest)] = [
            (#"{"command":"status"}"#, .status),
            (#"{"command":"scale","workers":8}"#, .scale(workers: 8)),
            (#"{"command":"restart"}"#, .restart(worker: nil)),
            (#"{"command":"restart","worker":5}"#, .restart(worker: 5)),
            (#"{"command":"stop","worker":1,"extra":true}"#, .stop(worker: 1)),
            (#"{"command":"replay"}"#, .replay(filter: ReplayFilter(), dryRun: false)),
            (#"{"command":"replay","filter":{"source":"crash"},"dryRun":true}"#, .replay(filter: ReplayFilter(source: "crash"), dryRun: true)),
            (#"{"command":"tail"}"#, .tail(worker: nil, follow: false)),
            (#"{"command":"tail","worker":1,"follow":true}"#, .tail(worker: 1, follow: true)),
            (#"{"command":"signal","signal":"sighup"}"#, .signal(name: "HUP", worker: nil)),
            (#"{"command":"signal","signal":"10","worker":2}"#, .signal(name: "USR1", worker: 2)),
        ]
        for (line, request) in lines {
            #expect(ControlRequest.decode(Data(line.utf8)) == .success(request), "\(line)")
        }
    }

    @Test func badLinesGetAReason() {
        let lines: [(String, String)] = [
            ("not json", "not a control request: expected {\"command\": …}"),
            ("[1, 2]", "not a control request: expected {\"command\": …}"),
            (#"{"workers":3}"#, "not a control request: expected {\"command\": …}"),
            (#"{"command":7}"#, "not a control request: expected {\"command\": …}"),
            (#"{"command":"explode"}"#, "unknown command \"explode\""),
            (#"{"command":"scale"}"#, "scale: needs \"workers\", the pool size wanted"),
            (#"{"command":"scale","workers":"four"}"#, "scale: needs \"workers\", the pool size wanted"),
            (#"{"command":"stop"}"#, "stop: needs \"worker\", a worker id"),
            (#"{"command":"start","worker":null}"#, "start: needs \"worker\", a worker id"),
            (#"{"command":"restart","worker":"all"}"#, "restart: needs \"worker\", a worker id"),
            (#"{"command":"replay","dryRun":"yes"}"#, "replay: needs \"dryRun\", true or false"),
            (#"{"command":"signal"}"#, "signal: needs \"signal\", a signal name"),
            (#"{"command":"signal","signal":"SIGBOGUS"}"#, "signal: unknown signal \"SIGBOGUS\" (known: \(SignalName.known))"),
            (#"{"command":"tail","follow":1}"#, "tail: needs \"follow\", true or false"),
        ]
        for (line, reason) in lines {
            #expect(ControlRequest.decode(Data(line.utf8)) == .failure(ControlRequest.Invalid(message: reason)), "\(line)")
        }
    }
}
