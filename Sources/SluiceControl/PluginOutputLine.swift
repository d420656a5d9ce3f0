/// A line a worker's plugin wrote to stderr, as `sluicectl tail` shows it.
public struct PluginOutputLine: Codable, Sendable, Equatable {
    public var worker: Int
    public var line: String

    public init(worker: Int, line: String) {
        self.worker = worker
        self.line = line
    }
}
