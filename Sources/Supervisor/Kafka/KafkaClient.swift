import CRdKafka
import Logging

/// Owns one librdkafka handle and its callbacks; destroys the handle in `deinit`.
/// Not thread-safe beyond what librdkafka guarantees: the pipeline uses each client from
/// one thread.
package final class KafkaClient: @unchecked Sendable {
    package enum Kind { case producer, consumer }

    let handle: OpaquePointer
    package let context: KafkaClientContext
    /// Set when a close could not finish because the broker did not answer: the handle is
    /// then never destroyed, since `rd_kafka_destroy` would wait for that broker.
    private(set) var isAbandoned = false

    package init(kind: Kind, configuration: KafkaConfiguration, context: KafkaClientContext) throws(KafkaError) {
        let conf = try configuration.makeHandle()
        self.context = context
        rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(context).toOpaque())
        rd_kafka_conf_set_log_cb(conf, kafkaLogCallback)
        rd_kafka_conf_set_error_cb(conf, kafkaErrorCallback)
        switch kind {
        case .producer:
            rd_kafka_conf_set_dr_msg_cb(conf, kafkaDeliveryCallback)
        case .consumer:
            rd_kafka_conf_set_rebalance_cb(conf, kafkaRebalanceCallback)
        }
        var errorText = [CChar](repeating: 0, count: 512)
        let type = kind == .producer ? RD_KAFKA_PRODUCER : RD_KAFKA_CONSUMER
        guard let handle = rd_kafka_new(type, conf, &errorText, errorText.count) else {
            rd_kafka_conf_destroy(conf)
            let text = String(cBuffer: errorText)
            throw KafkaError(.clientCreation, "cannot create the kafka \(kind): \(text)")
        }
        self.handle = handle
    }

    deinit {
        if !isAbandoned { rd_kafka_destroy(handle) }
    }

    /// Leaves the handle to the end of the process: its threads keep trying to reach the
    /// broker, and the process exit ends them. They go on calling the log and error
    /// callbacks, which reach the context through an unretained pointer, so the context is
    /// kept alive for as long: freed with this client, those calls would read freed memory.
    package func abandon() {
        guard !isAbandoned else { return }
        isAbandoned = true
        _ = Unmanaged.passRetained(context)
    }

    /// Every topic the cluster has, asked of the broker (which also refreshes what the
    /// client knows of partition leaders); a request for all topics creates none.
    package func topicNames(timeoutMilliseconds: Int32 = 10_000) throws(KafkaError) -> Set<String> {
        var metadata: UnsafePointer<rd_kafka_metadata>?
        let error = rd_kafka_metadata(handle, 1, nil, &metadata, timeoutMilliseconds)
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else { throw KafkaError(.broker, "metadata", error: error) }
        defer { rd_kafka_metadata_destroy(metadata) }
        return Set((0..<Int(metadata.pointee.topic_cnt)).map { String(cString: metadata.pointee.topics[$0].topic) })
    }

    /// librdkafka's version, such as "2.0.2".
    package static var librdkafkaVersion: String { String(cString: rd_kafka_version_str()) }

    /// Makes librdkafka write a byte to `fd` whenever `queue` goes from empty to non-empty,
    /// so the pipeline sleeps in epoll instead of polling on a timer.
    static func enableWakeups(queue: OpaquePointer, fd: Int32) {
        var payload: UInt8 = 1
        rd_kafka_queue_io_event_enable(queue, fd, &payload, 1)
    }
}

private func kafkaLogCallback(_ handle: OpaquePointer?, _ level: Int32, _ facility: UnsafePointer<CChar>?, _ text: UnsafePointer<CChar>?) {
    let context = KafkaClientContext.from(handle)
    let message = "\(String(cString: facility!)): \(String(cString: text!))"
    // syslog levels: 0-3 error, 4 warning, 5-6 notice/info, 7 debug
    let logLevel: Logger.Level = level <= 3 ? .error : level == 4 ? .warning : level <= 6 ? .info : .debug
    context.logger.log(level: logLevel, "\(message)", metadata: ["client": "\(String(cString: rd_kafka_name(handle)))"])
}

private func kafkaErrorCallback(_ handle: OpaquePointer?, _ error: Int32, _ reason: UnsafePointer<CChar>?, _: UnsafeMutableRawPointer?) {
    let context = KafkaClientContext.from(handle)
    let code = rd_kafka_resp_err_t(error)
    let text = String(cString: reason!)
    if code == RD_KAFKA_RESP_ERR__FATAL {
        reportFatalError(handle!, to: context)
    } else {
        // Transport errors are retried by librdkafka; they matter when they persist.
        context.logger.warning("kafka: \(text)", metadata: ["code": "\(String(cString: rd_kafka_err2name(code)))"])
    }
}

/// Tells `context` of the client's fatal error, in librdkafka's words: a producer's comes
/// through the error callback, a consumer's as an error its poll returns.
func reportFatalError(_ handle: OpaquePointer, to context: KafkaClientContext) {
    var fatalText = [CChar](repeating: 0, count: 512)
    rd_kafka_fatal_error(handle, &fatalText, fatalText.count)
    let fatal = String(cBuffer: fatalText)
    context.logger.critical("kafka fatal error: \(fatal)")
    context.onFatalError(fatal)
}

private func kafkaDeliveryCallback(_ handle: OpaquePointer?, _ message: UnsafePointer<rd_kafka_message_t>?, _: UnsafeMutableRawPointer?) {
    KafkaClientContext.from(handle).onDelivery?(DeliveryReport(message!))
}

private func kafkaRebalanceCallback(
    _ handle: OpaquePointer?, _ error: rd_kafka_resp_err_t,
    _ partitions: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?, _: UnsafeMutableRawPointer?
) {
    KafkaClientContext.from(handle).rebalance(handle!, error: error, partitions: partitions!)
}
