/// A request as a plugin receives it: one Kafka message and its metadata.
public struct RequestFrame: Sendable, Equatable {
    /// Opaque id to echo in the response.
    public var id: [UInt8]
    /// The input topic.
    public var topic: String
    /// The input partition.
    public var partition: Int32
    /// The input offset.
    public var offset: Int64
    /// The message timestamp, milliseconds since the epoch.
    public var timestamp: Int64
    /// 1 on first delivery, raised by each retry.
    public var attempt: Int
    /// The key bytes (from `key` or `key_base64`), nil for a null key.
    public var key: [UInt8]?
    /// The message headers; a nil value is a null header value.
    public var headers: [(name: String, value: [UInt8]?)]
    /// The value, nil for a null value.
    public var payload: Payload?

    /// Creates a request.
    public init(
        id: [UInt8], topic: String, partition: Int32, offset: Int64, timestamp: Int64, attempt: Int,
        key: [UInt8]? = nil, headers: [(name: String, value: [UInt8]?)] = [], payload: Payload? = nil
    ) {
        self.id = id
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.timestamp = timestamp
        self.attempt = attempt
        self.key = key
        self.headers = headers
        self.payload = payload
    }

    public static func == (lhs: RequestFrame, rhs: RequestFrame) -> Bool {
        lhs.id == rhs.id && lhs.topic == rhs.topic && lhs.partition == rhs.partition
            && lhs.offset == rhs.offset && lhs.timestamp == rhs.timestamp && lhs.attempt == rhs.attempt
            && lhs.key == rhs.key && lhs.payload == rhs.payload
            && lhs.headers.elementsEqual(rhs.headers) { $0.name == $1.name && $0.value == $1.value }
    }
}
