import PluginProtocol
import SluiceCore

/// The writes the flow asks for (`FlowAction.produce`): a verdict's outputs with the
/// headers that say why, a held failure back to its input topic, or back to its own
/// transient-failure partition.
extension OutputProducer {
    /// Where a write went, and why librdkafka did not take it, if it did not.
    struct Written {
        let topic: String
        let error: KafkaError?
    }

    /// Enqueues output `token.index` of the verdict of `record` (whose message is
    /// `message`): the success topic gets the replacement (or the original) value, or the
    /// outputs of a fan-out; the failure topics get the original bytes with headers that
    /// say why.
    func write(_ token: DeliveryToken, of record: borrowing MessageRecord, message: KafkaMessage, settings: Settings) -> Written {
        let output = record.producingOutput
        let headers = message.copyOfHeaders(capacity: output.headers.count + 16)
        let topic = settings.topic(of: output.verdict)
        var key = output.key
        if let outputs = output.outputs {
            key = outputs[token.index].key
            merge(outputs[token.index].headers, into: headers)
        } else {
            merge(output.headers, into: headers)
        }
        if output.verdict != .success { addFailureHeaders(headers, for: output, record: record, message: message, settings: settings) }
        if let failure = output.deliveryFailure { headers.set(OutputHeaders.deliveryFailed, failure) }
        if output.withoutValue { headers.set(OutputHeaders.valueRemoved, String(message.value?.count ?? 0)) }
        func produce(value: UnsafeRawBufferPointer?) -> KafkaError? {
            switch key {
            case .input:
                producer.produce(topic: topic, key: message.key, value: value, headers: headers, token: token.rawValue)
            case .null:
                producer.produce(topic: topic, key: nil, value: value, headers: headers, token: token.rawValue)
            case .bytes(let bytes):
                bytes.withUnsafeBytes {
                    producer.produce(topic: topic, key: $0, value: value, headers: headers, token: token.rawValue)
                }
            }
        }
        let error: KafkaError?
        if let outputs = output.outputs {
            if let payload = outputs[token.index].payload {
                error = payload.bytes.withUnsafeBytes { produce(value: $0) }
            } else {
                error = produce(value: nil)  // a null value
            }
        } else if output.withoutValue {
            error = produce(value: nil)
        } else if let payload = output.payload {
            error = payload.withUnsafeBytes { produce(value: $0) }
        } else {
            error = produce(value: message.value)
        }
        return Written(topic: topic, error: error)
    }

    /// Produces a held failure to `topic`, its input topic (`InputTopics.home`), as its
    /// next attempt: the failure's own headers go, the first failure's context stays.
    func republish(_ token: DeliveryToken, of record: borrowing MessageRecord, message: KafkaMessage, to topic: String) -> Written {
        let headers = message.copyOfHeaders(capacity: 1)
        for name in OutputHeaders.perFailure { headers.remove(name) }
        headers.set(OutputHeaders.attempt, String(record.attempt + 1))
        let error = producer.produce(
            topic: topic, preferring: OutputHeaders.originalPartition(of: message, in: topic),
            key: message.key, value: message.value, headers: headers, token: token.rawValue)
        return Written(topic: topic, error: error)
    }

    /// Produces a held failure again to its own transient-failure partition.
    func handBack(_ token: DeliveryToken, of record: borrowing MessageRecord, message: KafkaMessage, topic: String) -> Written {
        let error = producer.produce(
            topic: topic, preferring: record.progress.partition, key: message.key, value: message.value,
            headers: message.copyOfHeaders(capacity: 0), token: token.rawValue)
        return Written(topic: topic, error: error)
    }

    /// Sets the plugin's headers on an output over the input's: a name it gives replaces
    /// the input's, a nil value removes it.
    private func merge(_ changes: [ResponseFrame.Header], into headers: KafkaHeaders) {
        for header in changes {
            if let value = header.value { headers.set(header.name, value) } else { headers.remove(header.name) }
        }
    }

    /// Writes the failure context headers of `output` for `record` into `headers`. Values
    /// about this failure replace older ones; the first failure's time and the original
    /// position are kept through retries.
    private func addFailureHeaders(
        _ headers: KafkaHeaders, for output: VerdictOutput, record: borrowing MessageRecord, message: KafkaMessage, settings: Settings
    ) {
        let now = String(WallClock.milliseconds)
        headers.set(OutputHeaders.reason, output.reason ?? "plugin gave no reason")
        headers.set(OutputHeaders.verdict, output.verdict.rawValue)
        headers.set(OutputHeaders.source, output.source.rawValue)
        headers.set(OutputHeaders.attempt, String(record.attempt))
        headers.set(OutputHeaders.failureTime, now)
        headers.addIfAbsent(OutputHeaders.firstFailureTime, now)
        headers.set(OutputHeaders.group, settings.groupID)
        headers.set(OutputHeaders.plugin, settings.command.description)
        headers.remove(OutputHeaders.worker)
        if let worker = output.worker { headers.add(OutputHeaders.worker, String(worker)) }
        for name in [OutputHeaders.exit, OutputHeaders.stderr, OutputHeaders.retryDue] {
            headers.remove(name)
        }
        if let termination = output.termination { headers.add(OutputHeaders.exit, termination) }
        if let stderrTail = output.stderrTail { headers.add(OutputHeaders.stderr, stderrTail) }
        if let due = output.retryDue { headers.add(OutputHeaders.retryDue, String(due)) }
        headers.addIfAbsent(OutputHeaders.originalTopic, record.progress.topic)
        headers.addIfAbsent(OutputHeaders.originalPartition, String(record.progress.partition))
        headers.addIfAbsent(OutputHeaders.originalOffset, String(record.offset))
        headers.addIfAbsent(OutputHeaders.originalTimestamp, String(message.timestamp))
    }
}

extension Settings {
    /// The topic a verdict's outputs go to.
    func topic(of verdict: Verdict) -> String {
        switch verdict {
        case .success, .drop: successTopic
        case .transient: transientTopic
        case .permanent: permanentTopic
        }
    }

    /// What the flow decides by.
    var flow: FlowSettings {
        let delivery: FlowSettings.Delivery =
            switch protocolKind {
            case .json: .byID
            case .lines: .inOrder
            case .exec: .processPerMessage
            case .kafkaNative: .none
            }
        return FlowSettings(
            delivery: delivery, maxInFlight: maxInFlight, bufferLimit: BufferLimit(messages: maxBufferedMessages, bytes: maxBufferedBytes),
            poisonThreshold: poisonThreshold, messageTimeout: messageTimeout, retry: retry)
    }
}
