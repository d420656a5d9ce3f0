import ArgumentParser
import Glibc
import SluiceCore
import SluiceSimulation
import SluiceSupport

/// `make sim`: runs the message flow's core through seeded random schedules and checks its
/// invariants after every step. A failing seed is printed and replays with `--seed`.
@main
struct SluiceSim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sluice-sim", abstract: "Drive sluiced's message flow through seeded random schedules, checking its invariants.")

    @Option(help: "Run only this seed (a failing seed replays exactly).")
    var seed: UInt64?

    @Flag(help: "With --seed: print each step and each action of the flow.")
    var trace = false

    @Option(help: "Schedules to run: the fixed seeds 1...N, then as many time-seeded ones.")
    var schedules = 5000

    @Option(help: "Steps per schedule.")
    var steps = 1000

    #if PLANTED_DEFECTS
    @Option(help: "Plant this defect, or all of them one at a time (\(PlantedDefect.allCases.map(\.rawValue).joined(separator: ", "))): each must be caught.")
    var plant: String?
    #endif

    mutating func run() throws {
        // Swift seeds its hashing at random in each process, and a dictionary iterates in hash
        // order (the flow's key scheduler lets go of waiting messages in that order): a seed
        // replays step for step in another process only with hashing fixed.
        if getenv("SWIFT_DETERMINISTIC_HASHING") == nil {
            setenv("SWIFT_DETERMINISTIC_HASHING", "1", 1)
            execv("/proc/self/exe", CommandLine.unsafeArgv)
            throw ValidationError("cannot run again with deterministic hashing: \(String(cString: strerror(errno)))")
        }
        #if PLANTED_DEFECTS
        if let plant { return try check(planting: plant) }
        #endif
        try simulate()
    }

    #if PLANTED_DEFECTS
    /// Plants each defect in turn and fails unless the fixed seeds catch every one.
    private func check(planting plant: String) throws {
        let defects = plant == "all" ? PlantedDefect.allCases : try [PlantedDefect(rawValue: plant).orThrow(ValidationError("no defect \(plant)"))]
        var missed: [PlantedDefect] = []
        for defect in defects {
            MessageFlow.planted = defect
            if let caught = firstViolation(seeds: 1...UInt64(schedules)) {
                print("\(defect.rawValue): caught at \(caught)")
            } else {
                print("\(defect.rawValue): NOT CAUGHT in \(schedules) schedules")
                missed.append(defect)
            }
        }
        if !missed.isEmpty { throw ExitCode.failure }
    }

    private func firstViolation(seeds: ClosedRange<UInt64>) -> Simulation.Violation? {
        for seed in seeds {
            var simulation = Simulation(seed: seed)
            do { _ = try simulation.run(steps: steps) } catch { return error }
        }
        return nil
    }
    #endif

    private func simulate() throws {
        let clock = ContinuousClock()
        let start = clock.now
        let seeds: [UInt64]
        if let seed {
            seeds = [seed]
        } else {
            let base = UInt64(truncatingIfNeeded: start.hashValue) | 1 << 40
            seeds = (1...UInt64(schedules)).map { $0 } + (0..<UInt64(schedules)).map { base &+ $0 }
            print("fixed seeds 1...\(schedules), time-seeded \(base)...\(base &+ UInt64(schedules) - 1)")
        }
        var totals = Simulation.Outcome()
        for seed in seeds {
            var simulation = Simulation(seed: seed)
            if trace { simulation.trace = { print($0) } }
            do {
                let outcome = try simulation.run(steps: steps)
                totals.steps += outcome.steps
                totals.polled += outcome.polled
                totals.finished += outcome.finished
                totals.released += outcome.released
            } catch {
                print("FAILED: \(error)")
                print("replay: sluice-sim --seed \(seed) --steps \(steps)")
                if seeds.count > 1, let shrunk = shrink(seed: seed) {
                    print("shrunk to \(shrunk.steps) steps before the end (\(shrunk.violation)): sluice-sim --seed \(seed) --steps \(shrunk.steps) --trace")
                }
                throw ExitCode.failure
            }
        }
        let seconds = (clock.now - start).inSeconds
        print(
            "\(seeds.count) schedules, \(totals.steps) steps, \(totals.polled) messages polled (\(totals.finished) finished, \(totals.released) let go) in \((seconds * 10).rounded() / 10) s: every invariant held"
        )
    }
}

extension SluiceSim {
    /// The fewest random steps before the calm or the stop with which `seed` still fails,
    /// found by halving between none and `steps`: the same draws, cut short, make a
    /// shorter schedule to read with `--trace`. Nil when no shorter one fails.
    fileprivate func shrink(seed: UInt64) -> (steps: Int, violation: Simulation.Violation)? {
        var passing = 0
        var failing = steps
        var found: Simulation.Violation?
        while failing - passing > 1 {
            let middle = (passing + failing) / 2
            var simulation = Simulation(seed: seed)
            do {
                _ = try simulation.run(steps: middle)
                passing = middle
            } catch {
                failing = middle
                found = error
            }
        }
        return found.map { (failing, $0) }
    }
}

extension Optional {
    fileprivate func orThrow(_ error: some Error) throws -> Wrapped {
        guard let self else { throw error }
        return self
    }
}
