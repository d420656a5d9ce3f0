/// How long something has been up, as an operator reads it: `1 day, 2:03:04`, `0:05:09`.
public enum Uptime {
    public static func text(seconds: Int) -> String {
        let seconds = max(0, seconds)
        let days = seconds / 86_400
        let twoDigits = { (value: Int) in value < 10 ? "0\(value)" : "\(value)" }
        let clock = "\(seconds % 86_400 / 3600):\(twoDigits(seconds % 3600 / 60)):\(twoDigits(seconds % 60))"
        switch days {
        case 0: return clock
        case 1: return "1 day, \(clock)"
        default: return "\(days) days, \(clock)"
        }
    }
}
