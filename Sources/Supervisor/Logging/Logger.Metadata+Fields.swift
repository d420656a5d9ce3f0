import Logging

extension Logger.Metadata {
    /// Fields as log metadata, each value a string: `logger.info("status", metadata: .init(fields))`.
    init(_ fields: [(key: String, value: String)]) {
        self.init(uniqueKeysWithValues: fields.map { ($0.key, .string($0.value)) })
    }
}
