import CRdKafka

/// An idempotent producer. Delivery reports arrive through the client context's
/// `onDelivery` while `serveDeliveryReports` or `flush` runs. Used from the pipeline thread.
package final class KafkaProducer {
    package let client: KafkaClient
    private let mainQueue: OpaquePointer

    package init(configuration: KafkaConfiguration, context: KafkaClientContext) throws(KafkaError) {
        client = try KafkaClient(kind: .producer, configuration: configuration, context: context)
        mainQueue = rd_kafka_queue_get_main(client.handle)
    }

    deinit {
        rd_kafka_queue_destroy(mainQueue)
    }

    /// Writes a byte to `fd` when delivery reports are waiting.
    package func enableWakeups(fd: Int32) {
        KafkaClient.enableWakeups(queue: mainQueue, fd: fd)
    }

    /// Enqueues one message, to `partition` or else where the partitioner puts its key; the
    /// value and key are copied. On success librdkafka takes `headers`. `token` (non-zero)
    /// comes back in the delivery report.
    package func produce(
        topic: String, partition: Int32? = nil, key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer?,
        headers: KafkaHeaders?, token: UInt
    ) -> KafkaError? {
        // The fields live on the stack: an array of them was an allocation per message.
        let code = topic.withCString { topicName in
            withUnsafeTemporaryAllocation(of: rd_kafka_vu_t.self, capacity: 7) { fields in
                fields.initialize(repeating: rd_kafka_vu_t())
                fields[0].vtype = RD_KAFKA_VTYPE_TOPIC
                fields[0].u.cstr = topicName
                fields[1].vtype = RD_KAFKA_VTYPE_MSGFLAGS
                fields[1].u.i = RD_KAFKA_MSG_F_COPY
                fields[2].vtype = RD_KAFKA_VTYPE_OPAQUE
                fields[2].u.ptr = UnsafeMutableRawPointer(bitPattern: token)
                var count = 3
                if let partition {
                    fields[count].vtype = RD_KAFKA_VTYPE_PARTITION
                    fields[count].u.i32 = partition
                    count += 1
                }
                if let value {
                    fields[count].vtype = RD_KAFKA_VTYPE_VALUE
                    fields[count].u.mem.ptr = UnsafeMutableRawPointer(mutating: value.baseAddress)
                    fields[count].u.mem.size = value.count
                    count += 1
                }
                if let key {
                    fields[count].vtype = RD_KAFKA_VTYPE_KEY
                    fields[count].u.mem.ptr = UnsafeMutableRawPointer(mutating: key.baseAddress)
                    fields[count].u.mem.size = key.count
                    count += 1
                }
                if let headers {
                    fields[count].vtype = RD_KAFKA_VTYPE_HEADERS
                    fields[count].u.headers = headers.list
                    count += 1
                }
                guard let error = rd_kafka_produceva(client.handle, fields.baseAddress, count) else {
                    return RD_KAFKA_RESP_ERR_NO_ERROR
                }
                defer { rd_kafka_error_destroy(error) }
                return rd_kafka_error_code(error)
            }
        }
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR else { return KafkaError(.produce, "cannot enqueue to \(topic)", error: code) }
        headers?.handOver()
        return nil
    }

    /// `produce` to `partition` while the topic has it, else where the partitioner puts the
    /// key (a topic made again with fewer partitions).
    package func produce(
        topic: String, preferring partition: Int32?, key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer?,
        headers: KafkaHeaders?, token: UInt
    ) -> KafkaError? {
        let error = produce(topic: topic, partition: partition, key: key, value: value, headers: headers, token: token)
        guard partition != nil, error?.rdKafkaError == RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION else { return error }
        return produce(topic: topic, key: key, value: value, headers: headers, token: token)
    }

    /// `produce` for a key and value held in arrays.
    package func produce(
        topic: String, partition: Int32? = nil, key: [UInt8], value: [UInt8], headers: KafkaHeaders?, token: UInt
    ) -> KafkaError? {
        key.withUnsafeBytes { keyBytes in
            value.withUnsafeBytes { produce(topic: topic, partition: partition, key: keyBytes, value: $0, headers: headers, token: token) }
        }
    }

    /// Runs `produce` (a call of one of the methods above) again for as long as librdkafka's
    /// queue is full, serving delivery reports meanwhile so that it drains. For callers that
    /// may block (tools, replay, tests); the pipeline never waits.
    package func waitingForQueueSpace(_ produce: () -> KafkaError?) -> KafkaError? {
        while true {
            let error = produce()
            guard let error, error.isQueueFull else { return error }
            _ = rd_kafka_poll(client.handle, 10)
        }
    }

    /// Serves every waiting delivery report, without blocking.
    package func serveDeliveryReports() {
        while rd_kafka_poll(client.handle, 0) > 0 {}
    }

    /// Messages enqueued but not yet delivered (or failed).
    package var outstandingCount: Int {
        Int(rd_kafka_outq_len(client.handle))
    }

    /// Waits up to `timeoutMilliseconds` for every enqueued message's delivery report.
    package func flush(timeoutMilliseconds: Int32) -> Bool {
        rd_kafka_flush(client.handle, timeoutMilliseconds) == RD_KAFKA_RESP_ERR_NO_ERROR
    }
}
