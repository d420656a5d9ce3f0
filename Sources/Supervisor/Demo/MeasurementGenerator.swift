/// Random sensor readings keyed by sensor, shaped like the original demo's: mostly valid,
/// some out of range or incomplete, some not JSON at all. The demo's producer and
/// `make bench` use it.
package struct MeasurementGenerator {
    /// How many sensors (and so distinct keys) there are.
    package let sensors: Int
    private var random = SystemRandomNumberGenerator()

    package init(sensors: Int = 12) {
        self.sensors = sensors
    }

    /// One reading as (key, value); `sequence` becomes its "seq" field.
    package mutating func next(sequence: Int) -> (key: [UInt8], value: [UInt8]) {
        let sensor = Int.random(in: 1...sensors, using: &random)
        let key = Array("sensor-\(sensor)".utf8)
        let roll = Int.random(in: 0..<100, using: &random)
        let reading = (Double(Int.random(in: -100...400, using: &random)) / 10)
        let value: String
        switch roll {
        case 0..<5:
            value = "sensor-\(sensor) says hello (not JSON)"
        case 5..<10:
            value = #"{"sensor_id":"sensor-\#(sensor)","type":"temperature","value":\#(reading + 900),"unit":"C","seq":\#(sequence)}"#
        case 10..<13:
            value = #"{"sensor_id":"sensor-\#(sensor)","type":"temperature","unit":"C","seq":\#(sequence)}"#
        default:
            value = #"{"sensor_id":"sensor-\#(sensor)","type":"temperature","value":\#(reading),"unit":"C","seq":\#(sequence)}"#
        }
        return (key, Array(value.utf8))
    }
}
