extension Pipeline {
    /// Whether to take messages now. While the daemon holds `maxBufferedMessages` it stops
    /// taking them and lets librdkafka's bounded prefetch wait (cheap: nothing is thrown
    /// away). Only if that leaves the consumer unpolled for `longestUnpolled` (the plugins
    /// are stuck) does it pause the partitions, so it can poll again and stay in the group
    /// however long the plugins take.
    func shouldPollConsumer(now: ContinuousClock.Instant) -> Bool {
        guard input.isTaking else { return false }
        if input.isClosed || !bufferLimit.isReached(by: table.input) { return input.hasEvents }
        guard now - input.lastPoll >= Self.longestUnpolled else { return false }
        input.hold(.saturated)
        logger.warning("no verdict for \(Self.longestUnpolled) with the pool full: pausing fetching, staying in the group")
        return true
    }

    /// Takes what the consumer queue holds, at most a batch (so pipes are served in
    /// between) and not beyond the buffer limit unless fetching is paused.
    func pollConsumer() {
        input.lastPoll = .now
        for _ in 0..<1000 {
            guard input.isClosed || !bufferLimit.isReached(by: table.input) else { return }
            switch input.consumer.poll() {
            case .success(let message): accept(message, at: input.lastPoll)
            case .failure(let error): logger.warning("\(error)")
            case nil:
                input.hasEvents = false
                return
            }
        }
    }

    /// How much the input, and apart from it the retrier, may hold (live: a reload may
    /// change it).
    var bufferLimit: BufferLimit {
        BufferLimit(messages: settings.maxBufferedMessages, bytes: settings.maxBufferedBytes)
    }

    /// Ends a saturation pause once half of the held messages are done.
    func resumeFetchingIfDrained() {
        input.releaseSaturation(ifHalfEmpty: table.input, limit: bufferLimit)
    }

    private func accept(_ message: KafkaMessage, at now: ContinuousClock.Instant) {
        // The input consumer is subscribed to the input topic alone. A late message of a
        // revoked partition is dropped.
        guard let progress = partitions[topic: settings.inputTopic, partition: message.partition], !progress.isRevoked else { return }
        var keyHash: Int?
        if let key = message.key {
            var hasher = Hasher()
            hasher.combine(bytes: key)
            keyHash = hasher.finalize()
        }
        let offset = message.offset
        progress.take(offset, at: now)
        let slot = table.insert(
            MessageRecord(
                message: message, progress: progress, offset: offset, keyHash: keyHash,
                attempt: OutputHeaders.attempt(of: message), consumedAt: now))
        scheduler.enqueue(slot, keyHash: keyHash)
        table[slot].holdsKey = keyHash != nil
        figures.consumed()
    }

    /// The consumer a rebalance callback came from: the retrier's exists when it calls.
    private func feed(isRetry: Bool) -> ConsumerFeed {
        isRetry ? retrier!.feed : input
    }

    /// Called by librdkafka inside `poll` or `close` of the input consumer or the retrier's.
    func handleRebalance(_ event: RebalanceEvent, isRetry: Bool) {
        let owner = isRetry ? "retrier " : ""
        switch event {
        case .assigned(let assigned):
            for entry in assigned {
                partitions.add(topic: entry.topic, partition: entry.partition, isRetry: isRetry)
            }
            feed(isRetry: isRetry).assign(assigned)
            logger.info("\(owner)partitions assigned: \(assigned.isEmpty ? "none" : Self.names(assigned))")
            if isRetry == (settings.retrier == .only) { systemd.joinedGroup() }
        case .revoked(let leaving, let lost):
            let revoked = leaving.compactMap { partitions[topic: $0.topic, partition: $0.partition] }
            for progress in revoked { progress.isRevoked = true }
            if isRetry {
                if lost { releaseWaitingRetries { $0.isRevoked } } else { handBackWaitingRetries { $0.isRevoked } }
            } else {
                releaseUnstarted { $0.isRevoked }
            }
            if !lost {
                // Let started work finish so the next owner does not redo it. librdkafka is
                // inside this consumer's poll: no nested poll of it.
                let feed = feed(isRetry: isRetry)
                let wasTaking = feed.isTaking
                feed.isTaking = false
                runLoop(until: { revoked.allSatisfy { $0.held == 0 } }, deadline: .now + settings.drainTimeout)
                feed.isTaking = wasTaking
                storeOffsets()
            }
            // What is still queued of them would now be done beside the next owner.
            for progress in revoked { progress.isReleased = true }
            releaseQueued { $0.progress.isReleased }
            let unfinished = revoked.reduce(0) { $0 + $1.held }
            if unfinished > 0 {
                logger.warning("\(owner)partitions revoked with \(unfinished) messages unfinished; the next owner will redo them")
            }
            // A pause librdkafka would keep across revoke and re-assign is cleared as the
            // partitions leave (`FetchGate.revoke`).
            feed(isRetry: isRetry).revoke(leaving)
            for progress in revoked { partitions.remove(progress) }
            logger.info("\(owner)partitions \(lost ? "lost" : "revoked"): \(Self.names(leaving))")
        }
    }

    private static func names(_ partitions: [TopicPartition]) -> String {
        partitions.map { "\($0.topic)[\($0.partition)]" }.joined(separator: ",")
    }

    /// Releases the queued messages of the partitions for which `predicate` holds that lie
    /// beyond everything dispatched: no work after them is done, so the commit position is
    /// not held back and the next owner (or run) starts exactly there. Queued messages
    /// below a dispatched one stay and are finished. Returns how many were released.
    @discardableResult
    func releaseUnstarted(of predicate: (PartitionProgress) -> Bool) -> Int {
        releaseQueued { predicate($0.progress) && $0.offset > $0.progress.highestDispatched }
    }

    /// Frees every queued message (waiting for a worker, for its key, or to run alone as a
    /// suspect) for which `predicate` holds, letting its key go. Returns how many.
    @discardableResult
    func releaseQueued(where predicate: (MessageRecord) -> Bool) -> Int {
        let released = scheduler.drop(where: { predicate(table[$0]) }, keyHash: { table[$0].keyHash })
        let suspectsReleased = pool.suspects.filter { predicate(table[$0]) }
        pool.suspects.removeAll { predicate(table[$0]) }
        for slot in suspectsReleased { releaseKey(of: slot) }
        for slot in released + suspectsReleased { discard(slot) }
        return released.count + suspectsReleased.count
    }

    /// Frees a message without a verdict; its offset is never stored.
    func discard(_ slot: Int) {
        let record = table.remove(slot)
        record.progress.held -= 1
    }
}
