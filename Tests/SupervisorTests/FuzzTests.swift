import Foundation
import Testing

@testable import SluiceHarness
@testable import Supervisor

/// The parsers that read outside input (plugin responses, Kafka messages made into request
/// frames, the config file) fed seeds and 10,000 mutants each, from a fixed seed so a run
/// repeats exactly. A crash or a broken property fails the test with the input that did it.
/// `make fuzz` runs the same targets under libFuzzer and AddressSanitizer.
@Suite struct FuzzTests {
    @Test(arguments: FuzzTarget.allCases)
    func parsersSurviveMutatedInput(target: FuzzTarget) throws {
        let directory = try makeTemporaryDirectory("sluice-fuzz")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let lastInput = "\(directory)/last-input"
        let result = try runBuilt("sluice-fuzz", ["--iterations", "10000", "--seed", "1", "--last-input", lastInput, target.rawValue])
        let input = (try? Data(contentsOf: URL(fileURLWithPath: lastInput))).map { Array($0) } ?? []
        #expect(result.status == 0, "\(result.error.prefix(600))\ninput: \(String(decoding: input, as: UTF8.self).debugDescription)")
        #expect(result.output.contains("\(target.rawValue): \(target.seeds.count) seeds and 10000 mutants, no finding"))
    }
}
