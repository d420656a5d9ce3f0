import Supervisor
import Foundation

/// The fuzzing `make test` runs without libFuzzer: seeds mutated at random (bit flips,
/// insertions of the format's tokens, deletions, duplications, splices) from a fixed seed,
/// so a finding reproduces. Each input is written to `lastInputPath` before it runs, so a
/// crash leaves it behind.
public struct FuzzHarness {
    let target: FuzzTarget
    let lastInputPath: String
    private var random: SplitMix64

    public init(target: FuzzTarget, seed: UInt64, lastInputPath: String) {
        self.target = target
        self.lastInputPath = lastInputPath
        random = SplitMix64(seed: seed)
    }

    /// Runs every seed, then `iterations` mutants.
    public mutating func run(iterations: Int) {
        let seeds = target.seeds
        for seed in seeds { execute(seed) }
        for _ in 0..<iterations {
            var input = seeds[Int(random.next() % UInt64(seeds.count))]
            for _ in 0...(random.next() % 8) { mutate(&input, seeds: seeds) }
            execute(input)
        }
    }

    private func execute(_ input: [UInt8]) {
        _ = FileManager.default.createFile(atPath: lastInputPath, contents: Data(input))
        input.withUnsafeBytes { target.run($0) }
    }

    private mutating func mutate(_ input: inout [UInt8], seeds: [[UInt8]]) {
        let position = input.isEmpty ? 0 : Int(random.next() % UInt64(input.count + 1))
        switch random.next() % 6 {
        case 0 where !input.isEmpty:
            input[min(position, input.count - 1)] ^= UInt8(1 << (random.next() % 8))
        case 1:
            let dictionary = target.dictionary
            input.insert(contentsOf: dictionary[Int(random.next() % UInt64(dictionary.count))], at: position)
        case 2 where !input.isEmpty:
            let end = min(input.count, position + Int(random.next() % 16) + 1)
            input.removeSubrange(min(position, input.count - 1)..<end)
        case 3 where !input.isEmpty:
            let start = min(position, input.count - 1)
            let slice = input[start..<min(input.count, start + Int(random.next() % 64) + 1)]
            input.insert(contentsOf: Array(repeating: Array(slice), count: Int(random.next() % 4) + 1).joined(), at: start)
        case 4:
            let other = seeds[Int(random.next() % UInt64(seeds.count))]
            input.insert(contentsOf: other.prefix(Int(random.next() % UInt64(other.count + 1))), at: position)
        default:
            input.insert(UInt8(truncatingIfNeeded: random.next()), at: position)
        }
    }
}

/// A small fast generator with a seed, so runs repeat exactly.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
