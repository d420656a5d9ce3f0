import Foundation
import PluginProtocol

// Validates the demo's measurements: valid -> success (enriched with "validated_by"),
// invalid or not JSON -> permanent, and a share (TRANSIENT_RATE, default 0.05) -> transient,
// simulating a flaky dependency.
let transientRate = ProcessInfo.processInfo.environment["TRANSIENT_RATE"].flatMap(Double.init) ?? 0.05
let workerID = ProcessInfo.processInfo.environment["SLUICE_WORKER_ID"] ?? "?"
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
    guard var object = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] else {
        return .success()
    }
    object["validated_by"] = "measurement-validator/\(workerID)"
    guard let enriched = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else {
        return .success()
    }
    return .success(.json(Array(enriched)))
}
