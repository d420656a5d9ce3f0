import Foundation
import PluginProtocol

// Validates the demo's measurements: valid -> success (enriched with "validated_by"),
// invalid or not JSON -> permanent, and a share (TRANSIENT_RATE, default 0.05) -> transient,
// simulating a flaky dependency.
let transientRate = ProcessInfo.processInfo.environment["TRANSIENT_RATE"].flatMap(Double.init) ?? 0.05
let workerID = ProcessInfo.processInfo.environment["SLUICE_WORKER_ID"] ?? "?"
let validatedBy = "measurement-validator/\(workerID)"
let decoder = JSONDecoder()

Plugin.run { request in
    guard case .json(let bytes)? = request.payload else {
        return .permanent("not a JSON measurement")
    }
    let measurement: Measurement
    do {
        measurement = try decoder.decode(Measurement.self, from: Data(bytes))
    } catch {
        return .permanent("invalid measurement: missing or wrong field")
    }
    if let problem = measurement.problem {
        return .permanent(problem)
    }
    if Double.random(in: 0..<1) < transientRate {
        return .transient("reference service unavailable (simulated)")
    }
    // Enriched by editing the bytes: decoding and re-encoding the whole object would cost
    // more than everything else here together.
    return .success(JSONWriter.object(bytes, adding: "validated_by", validatedBy).map(Payload.json))
}
