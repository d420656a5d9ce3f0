import Foundation
import Supervisor
import Testing

/// The Swift plugin kit (`Plugin.run`), run as a real process: echo-plugin.
@Suite struct SwiftKitTests {
    /// Requests read together from a handler that takes 300 ms each: the first answer goes
    /// out as soon as it is made, not with the last. Before, the kit answered a read batch
    /// only once it had handled all of it: the first read of stdout held all three answers
    /// (after 0.9 s), and sluiced's 32 requests in flight came back 32 at a time.
    @Test func aSlowHandlerAnswersOneByOne() throws {
        let plugin = Process()
        plugin.executableURL = URL(fileURLWithPath: "\(ProcessEnvironment.executableDirectory)/echo-plugin")
        plugin.arguments = ["--sleep-ms", "300"]
        let stdin = Pipe()
        let stdout = Pipe()
        plugin.standardInput = stdin
        plugin.standardOutput = stdout
        try plugin.run()
        defer { plugin.terminate() }
        let requests = (1...3).map { #"{"id":"\#($0)","topic":"t","partition":0,"offset":\#($0),"text":"x"}"# + "\n" }.joined()
        stdin.fileHandleForWriting.write(Data(requests.utf8))
        let first = String(decoding: stdout.fileHandleForReading.availableData, as: UTF8.self)
        #expect(first == #"{"id":"1","verdict":"success"}"# + "\n", "\(first)")
        // Closing stdin asks it to finish: the rest come after, each answered, none lost.
        try stdin.fileHandleForWriting.close()
        let all = first + String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(all == (1...3).map { #"{"id":"\#($0)","verdict":"success"}"# + "\n" }.joined())
        plugin.waitUntilExit()
        #expect(plugin.terminationStatus == 0)
    }
}
