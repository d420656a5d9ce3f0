import PluginProtocol
import SluiceSupport

extension PluginChecker {
    /// Why a check failed, with the line at fault.
    struct Failure: Error {
        let message: String
    }

    /// Runs `body` against a fresh plugin process.
    func check(_ name: String, _ body: (PluginSession) throws(Failure) -> String?) -> PluginCheckReport.Check {
        do throws(Failure) {
            let session = try start()
            return PluginCheckReport.Check(name: name, passed: true, detail: try body(session))
        } catch {
            return PluginCheckReport.Check(name: name, passed: false, detail: error.message)
        }
    }

    func start() throws(Failure) -> PluginSession {
        do {
            return try PluginSession(command: command, environment: environment)
        } catch {
            throw Failure(message: "cannot start \(command): \(error)")
        }
    }

    func staysUp() -> PluginCheckReport.Check {
        check("starts and stays up") { session throws(Failure) in
            session.pump(until: { false }, deadline: .now + .seconds(1))
            if let termination = session.termination {
                throw Failure(message: "exited at once (\(termination))\(stderrNote(session))")
            }
            return nil
        }
    }

    func exitsWhenStdinCloses() -> PluginCheckReport.Check {
        check("exits when stdin closes") { session throws(Failure) in
            try exchange([Array("last".utf8)], in: session)
            session.closeStdin()
            session.pump(until: { false }, deadline: .now + .seconds(5))
            guard let termination = session.termination else {
                throw Failure(message: "still running 5 s after stdin closed; sluiced would SIGTERM it, then SIGKILL")
            }
            guard termination == .exited(0) else { throw Failure(message: "ended with \(termination)\(stderrNote(session))") }
            return session.stderrCount > 0 ? "\(session.stderrCount) stderr lines along the way (sluiced logs them)" : nil
        }
    }

    /// Writes one request per value and checks that each gets exactly one valid answer.
    func exchange(_ values: [[UInt8]?], in session: PluginSession) throws(Failure) {
        let first = session.answers.count
        var outstanding: [UInt64: Int] = [:]
        for value in values {
            let id = UInt64(first + outstanding.count + 1)
            outstanding[id] = outstanding.count
            session.send(request(id: id, value: value))
        }
        let answered = session.pump(until: { session.answers.count - first >= values.count }, deadline: .now + timeout)
        for (index, answer) in session.answers[first...].enumerated() {
            let id = try answerID(answer.line, expected: UInt64(first + index + 1))
            guard outstanding.removeValue(forKey: id) != nil else {
                throw Failure(message: "an answer to an unknown or already answered id: \(quote(answer.line))")
            }
        }
        guard answered else { throw Failure(message: unanswered(session, count: outstanding.count, of: values.count)) }
    }

    private func request(id: UInt64, value: [UInt8]?) -> [UInt8] {
        var output: [UInt8] = []
        switch protocolKind {
        case .lines:
            value?.withUnsafeBytes { LineFrames.appendRequest($0, to: &output) }
        case .json:
            RequestFrameWriter.begin(
                id: id, topic: "check-plugin", partition: 0, offset: Int64(id), timestamp: 0, attempt: 1, to: &output)
            Array("key-\(id % 3)".utf8).withUnsafeBytes { RequestFrameWriter.appendKey($0, to: &output) }
            output.append(contentsOf: #","headers":{"checked-by":"sluicectl"}"#.utf8)
            if let value { value.withUnsafeBytes { RequestFrameWriter.end(value: $0, to: &output) } } else {
                RequestFrameWriter.end(value: nil, to: &output)
            }
        }
        return output
    }

    /// The id an answer line is for (`lines`: the next in order).
    private func answerID(_ line: [UInt8], expected: UInt64) throws(Failure) -> UInt64 {
        do {
            switch protocolKind {
            case .lines:
                _ = try line.withUnsafeBytes { try LineFrames.decodeAnswer($0) }
                return expected
            case .json:
                let response = try line.withUnsafeBytes { try ResponseFrame(decoding: $0) }
                return UInt64(decimalBytes: response.id) ?? 0
            }
        } catch {
            throw Failure(message: "not a valid answer (\(error)): \(quote(line))")
        }
    }

    private func unanswered(_ session: PluginSession, count: Int, of total: Int) -> String {
        if let termination = session.termination {
            return "the plugin ended (\(termination)) with \(count) of \(total) requests unanswered\(stderrNote(session))"
        }
        if let partial = session.unfinishedAnswer, !partial.isEmpty {
            return "no complete answer within \(timeout): the plugin wrote \(quote(partial)) without a newline at the end "
                + "(end each answer with \\n and flush)"
        }
        return "\(count) of \(total) requests unanswered after \(timeout) (does the plugin flush stdout after each answer?)"
    }

    private func stderrNote(_ session: PluginSession) -> String {
        let last = session.stderrTail.lines.suffix(3)
        return last.isEmpty ? "" : "; its stderr ended with: \(last.joined(separator: " | "))"
    }

    private func quote(_ bytes: [UInt8]) -> String {
        let text = String(decoding: bytes.prefix(200), as: UTF8.self)
        return "\"\(text)\(bytes.count > 200 ? "…" : "")\""
    }
}
