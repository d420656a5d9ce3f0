import Foundation
import SluiceHarness
import Supervisor

#if FUZZING
// Built by `make fuzz` with -sanitize=fuzzer: libFuzzer drives the target that
// SLUICE_FUZZ_TARGET names.
private let selected: FuzzTarget = {
    guard let name = ProcessInfo.processInfo.environment["SLUICE_FUZZ_TARGET"], let target = FuzzTarget(rawValue: name) else {
        FileHandle.standardError.write(Data("set SLUICE_FUZZ_TARGET to one of \(FuzzTarget.allCases.map(\.rawValue))\n".utf8))
        exit(2)
    }
    return target
}()

@_silgen_name("LLVMFuzzerRunDriver")
private func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    selected.run(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

// SwiftPM links an executable's entry point under this name: it hands over to libFuzzer's
// driver, as libFuzzer's own main would.
@_cdecl("sluice_fuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments) { data, size in fuzzOneInput(data, size) }
}
#else
import ArgumentParser

/// `sluice-fuzz`: the parsers that read outside input, fed mutated inputs (see
/// docs/RELIABILITY.md). `make fuzz` builds it with libFuzzer instead.
@main
struct SluiceFuzz: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sluice-fuzz", abstract: "Feed mutated inputs to sluiced's parsers; a crash or a broken property is a finding.",
        subcommands: [Mutate.self, Seeds.self], defaultSubcommand: Mutate.self)
}

struct Mutate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run seeds and random mutants of them through each target.")

    @Option(help: "Mutants per target.")
    var iterations = 20_000

    @Option(help: "Seed of the mutations (a run repeats exactly).")
    var seed: UInt64 = 1

    @Option(help: "Where the input under test is kept, so a crash leaves it behind.")
    var lastInput = "/tmp/sluice-fuzz-last-input"

    @Argument(help: "Targets (default: all): \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")).")
    var targets: [String] = []

    func run() throws {
        let chosen = try (targets.isEmpty ? FuzzTarget.allCases.map(\.rawValue) : targets).map { name in
            guard let target = FuzzTarget(rawValue: name) else { throw ValidationError("unknown target \(name)") }
            return target
        }
        for target in chosen {
            let started = ContinuousClock.now
            var harness = FuzzHarness(target: target, seed: seed, lastInputPath: lastInput)
            harness.run(iterations: iterations)
            print("\(target.rawValue): \(target.seeds.count) seeds and \(iterations) mutants, no finding (\(ContinuousClock.now - started))")
        }
        try? FileManager.default.removeItem(atPath: lastInput)
    }
}

struct Seeds: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write a target's seeds into a libFuzzer corpus directory.")

    @Argument var target: String
    @Argument var directory: String

    func run() throws {
        guard let target = FuzzTarget(rawValue: target) else { throw ValidationError("unknown target \(target)") }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (index, seed) in target.seeds.enumerated() {
            _ = FileManager.default.createFile(atPath: "\(directory)/seed-\(index)", contents: Data(seed))
        }
    }
}
#endif
