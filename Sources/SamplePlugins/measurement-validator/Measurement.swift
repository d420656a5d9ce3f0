import Foundation

/// A sensor reading of the original demo.
struct Measurement: Decodable {
    let sensorID: String
    let type: String
    let value: Double
    let unit: String

    enum CodingKeys: String, CodingKey {
        case sensorID = "sensor_id"
        case type, value, unit
    }

    /// The plausible range per measurement type; readings outside are invalid.
    static let validRanges: [String: ClosedRange<Double>] = [
        "temperature": -50...60, "humidity": 0...100, "pressure": 870...1085,
    ]

    /// Why the reading is invalid, or nil when it is valid.
    var problem: String? {
        guard let range = Self.validRanges[type] else { return "unknown measurement type \"\(type)\"" }
        guard range.contains(value) else { return "\(type) \(value) outside \(range.lowerBound)...\(range.upperBound)" }
        return nil
    }
}
