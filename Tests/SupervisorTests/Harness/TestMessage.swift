/// A message a test sends, identified by its `id` header so it can be found in the outputs.
struct TestMessage {
    let id: String
    var key: [UInt8]?
    var value: [UInt8]?
    /// Extra headers; `id` is added.
    var headers: [(String, [UInt8])] = []
    /// The input partition to write it to; nil lets the key decide.
    var partition: Int32? = nil

    /// Where the route plugin should send it.
    var route: String {
        headers.first { $0.0 == "route" }.map { String(decoding: $0.1, as: UTF8.self) } ?? "success"
    }

    var allHeaders: [(String, [UInt8])] { [("id", Array(id.utf8))] + headers }

    /// `count` keyless messages routed to success, ids `prefix0`, `prefix1`, … and values
    /// `v 0`, `v 1`, …: traffic for a test about something else than the messages.
    static func routedToSuccess(_ count: Int, prefix: String) -> [TestMessage] {
        (0..<count).map { index in
            TestMessage(id: "\(prefix)\(index)", key: nil, value: Array("v \(index)".utf8), headers: [("route", Array("success".utf8))])
        }
    }
}
