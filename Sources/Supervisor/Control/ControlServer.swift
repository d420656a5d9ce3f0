import CProcess
import Foundation
import Glibc
import PluginProtocol
import SluiceControl

/// The daemon's end of the control socket: the listener, who may connect, the connected
/// `sluicectl`s, and the one waiting for a replay's answer. It reads requests and writes
/// answers; what a request does is decided by the pipeline's `answer`.
final class ControlServer {
    private var listener: ControlListener?
    private var access: ControlAccess
    private var clients: [Int: ControlClient] = [:]
    private var lastClientID = 0
    /// The client waiting for a running replay's answer.
    private var replayClient: Int?
    /// The running replay's outcome, once its thread is done.
    let replayMailbox = ReplayMailbox()
    /// Clients following plugins' stderr (`sluicectl tail -f`), with the worker each
    /// follows (nil: every worker).
    private var followers: [Int: Int?] = [:]

    init(groupName: String?) {
        access = ControlAccess(groupName: groupName)
    }

    /// Listens at `path`, the socket file given to the allowed group.
    func open(at path: String) throws(SettingsError) {
        let listener = try ControlListener(path: path)
        try access.grant(path: path)
        self.listener = listener
    }

    /// Starts watching for connections. Call once the loop runs.
    func register(with poller: borrowing Poller) {
        guard let listener else { return }
        poller.add(listener.fd, events: UInt32(EPOLLIN.rawValue), token: EventToken(.controlListener))
    }

    /// `daemon.control_group` changed: who may connect from now on, and the socket file's group.
    func allow(groupName: String?) throws(SettingsError) {
        access = ControlAccess(groupName: groupName)
        if let listener { try access.grant(path: listener.path) }
    }

    /// Accepts waiting connections; a peer that is neither this user, root, nor in the
    /// allowed group gets "permission denied" and is closed.
    func acceptClients(poller: borrowing Poller) {
        guard let listener else { return }
        while true {
            let fd = sluice_accept(listener.fd)
            guard fd >= 0 else { return }
            guard access.allows(fd) else {
                Self.send(ControlResponse(ok: false, error: "permission denied"), to: fd)
                Glibc.close(fd)
                continue
            }
            // The id travels in the event token's 24 bits.
            repeat { lastClientID = (lastClientID + 1) & 0xFF_FFFF } while clients[lastClientID] != nil
            clients[lastClientID] = ControlClient(fd: fd)
            poller.add(fd, events: UInt32(EPOLLIN.rawValue), token: EventToken(.controlClient, worker: lastClientID))
        }
    }

    /// Reads what a client sent and answers each request line with `answer`'s response (a
    /// line that is no request, with why); closes the client at end of file. `answer`
    /// returns nil for an answer that comes later (a replay).
    func serve(client id: Int, poller: borrowing Poller, answer: (ControlRequest, _ client: Int) -> ControlResponse?) {
        guard let client = clients[id] else { return }
        let ended = client.lines.readAvailable(from: client.fd, maximumReads: 4)
        client.lines.drainLines { event in
            guard case .line(let line) = event else {
                Self.send(ControlResponse(ok: false, error: "request too long"), to: client.fd)
                return true
            }
            switch ControlRequest.decode(Data(line)) {
            case .success(let request):
                if let response = answer(request, id) { Self.send(response, to: client.fd) }
            case .failure(let invalid):
                Self.send(ControlResponse(ok: false, error: invalid.message), to: client.fd)
            }
            return true
        }
        if ended { closeClient(id, poller: poller) }
    }

    /// Whether a replay's answer is awaited (one replay runs at a time).
    var isWaitingForReplay: Bool { replayClient != nil }

    /// Holds `client`'s answer until `answerReplay`.
    func waitForReplay(client: Int) {
        replayClient = client
    }

    /// Sends the finished replay's answer to the client that asked, if still connected.
    func answerReplay(_ response: ControlResponse) {
        guard let id = replayClient else { return }
        replayClient = nil
        guard let client = clients[id] else { return }
        Self.send(response, to: client.fd)
    }

    /// Sends `client` each plugin stderr line of `worker` (every worker's when nil) from now
    /// on, until it hangs up.
    func follow(client: Int, worker: Int?) {
        followers[client] = worker
    }

    /// A plugin's stderr line, for the clients following it. Called for every line: costs a
    /// dictionary check when nobody follows.
    func publish(worker: Int, line: Substring) {
        guard !followers.isEmpty else { return }
        let response = ControlResponse(ok: true, lines: [PluginOutputLine(worker: worker, line: String(line))])
        for (id, followed) in followers where followed == nil || followed == worker {
            guard let client = clients[id], !Self.send(response, to: client.fd) else { continue }
            // A follower too slow to take a whole line would get half of one next: it is
            // hung up on (the loop closes it on the hang-up) and sees the end of its stream.
            followers[id] = nil
            shutdown(client.fd, Int32(SHUT_RDWR))
        }
    }

    /// Stops taking requests: the first step of the shutdown.
    func close(poller: borrowing Poller) {
        for id in Array(clients.keys) { closeClient(id, poller: poller) }
        if let listener { poller.remove(listener.fd) }
        listener = nil
    }

    private func closeClient(_ id: Int, poller: borrowing Poller) {
        followers[id] = nil
        guard let client = clients.removeValue(forKey: id) else { return }
        poller.remove(client.fd)
        Glibc.close(client.fd)
    }

    /// One answer line; a client that does not read loses it rather than stalling the loop.
    /// Returns whether the whole line was written.
    @discardableResult
    private static func send(_ response: ControlResponse, to fd: Int32) -> Bool {
        guard var data = try? JSONEncoder().encode(response) else { return false }
        data.append(0x0A)
        return data.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                guard written > 0 else { return false }
                offset += written
            }
            return true
        }
    }
}
