/// The fields of a request frame an operator may leave out (`plugin.request_fields`), for
/// a plugin that does not read them: less for sluiced to write and for the plugin to parse
/// per message. `id` and the value (`value`, `text` or `base64`) are in every frame.
public struct RequestFields: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8

    public init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    public static let topic = RequestFields(rawValue: 1 << 0)
    public static let partition = RequestFields(rawValue: 1 << 1)
    public static let offset = RequestFields(rawValue: 1 << 2)
    public static let timestamp = RequestFields(rawValue: 1 << 3)
    public static let attempt = RequestFields(rawValue: 1 << 4)
    /// `key` or `key_base64`.
    public static let key = RequestFields(rawValue: 1 << 5)
    /// `headers` and `headers_base64`.
    public static let headers = RequestFields(rawValue: 1 << 6)

    public static let all: RequestFields = [.topic, .partition, .offset, .timestamp, .attempt, .key, .headers]

    /// Each field's name, in frame order.
    public static let named: [(name: String, field: RequestFields)] = [
        ("topic", .topic), ("partition", .partition), ("offset", .offset), ("timestamp", .timestamp),
        ("attempt", .attempt), ("key", .key), ("headers", .headers),
    ]

    /// The fields `names` lists: field names, or `all` for every one. `id` and `value` may
    /// be named (a plugin that reads the value alone is `["value"]`); they are always sent.
    /// Throws the first name that is none of these.
    public init(names: [String]) throws(UnknownName) {
        self = []
        for name in names {
            if name == "id" || name == "value" {
                continue
            } else if name == "all" {
                formUnion(.all)
            } else if let field = Self.named.first(where: { $0.name == name })?.field {
                formUnion(field)
            } else {
                throw UnknownName(name: name)
            }
        }
    }

    /// The names of the fields it holds, in frame order.
    public var names: [String] {
        Self.named.filter { contains($0.field) }.map(\.name)
    }

    /// A name that is no field a request may leave out.
    public struct UnknownName: Error, Sendable {
        public let name: String
        public var message: String {
            "unknown request field \"\(name)\" (fields: id, \(RequestFields.named.map(\.name).joined(separator: ", ")), value, or all)"
        }
    }
}
