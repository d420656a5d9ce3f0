import Foundation
import Glibc
import SluiceControl

/// One request and its answer over sluiced's control socket.
struct ControlConnection {
    let path: String

    /// Why sluicectl could not get an answer; each has its exit status.
    enum Failure: Error {
        case notRunning(String)
        case permissionDenied(String)
        case broken(String)

        var exitCode: Int32 {
            switch self {
            case .notRunning: return 3
            case .permissionDenied: return 4
            case .broken: return 1
            }
        }

        var message: String {
            switch self {
            case .notRunning(let text), .permissionDenied(let text), .broken(let text): return text
            }
        }
    }

    /// Sends `request` and returns the one answer.
    func send(_ request: ControlRequest) throws(Failure) -> ControlResponse {
        var answer: ControlResponse?
        try exchange(request) { response in
            answer = response
            return false
        }
        guard let answer else { throw .broken("no answer from sluiced at \(path)") }
        return answer
    }

    /// Sends `request`, then hands each answer line to `each` until it returns false or
    /// sluiced closes the connection.
    func exchange(_ request: ControlRequest, each: (ControlResponse) -> Bool) throws(Failure) {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .broken("socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let connected = withUnixSocketAddress(path) { connect(fd, $0, $1) } ?? -1
        guard connected == 0 else {
            let error = errno
            if error == EACCES || error == EPERM { throw .permissionDenied("permission denied: \(path)") }
            throw .notRunning("sluiced is not running at \(path)")
        }
        guard var line = try? JSONEncoder().encode(request) else { throw .broken("cannot encode the request") }
        line.append(0x0A)
        _ = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        var received = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            while let end = received.firstIndex(of: 0x0A) {
                guard let response = try? JSONDecoder().decode(ControlResponse.self, from: received[received.startIndex..<end]) else {
                    throw .broken("no answer from sluiced at \(path)")
                }
                if response.error == "permission denied" { throw .permissionDenied("permission denied: \(path)") }
                received.removeSubrange(received.startIndex...end)
                guard each(response) else { return }
            }
            let count = read(fd, &buffer, buffer.count)
            guard count > 0 else { return }
            received.append(contentsOf: buffer[0..<count])
        }
    }
}
