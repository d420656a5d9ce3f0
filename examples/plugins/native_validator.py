#!/usr/bin/env python3
"""A plugin in the original demo's style, doing its own Kafka I/O with confluent-kafka,
run unchanged under sluiced's supervision (protocol kafka-native):

    pip install confluent-kafka
    sluiced --protocol kafka-native --workers 3 -- python3 examples/plugins/native_validator.py

It reads the demo's variables (KAFKA_BROKER, INPUT_TOPIC, SUCCESS_TOPIC,
PERMANENT_FAILURE_TOPIC, TRANSIENT_FAILURE_TOPIC, GROUP_ID), consumes the input as a
member of the group, validates each message with validator.py's rules (next to it),
writes it to the topic its verdict names (key and headers kept), and commits an offset
only after the outputs before it are delivered. BATCH_SIZE (default 500) messages are
handled per flush and commit. SIGTERM stops it cleanly: it finishes the batch in hand,
commits, and leaves the group. `make bench` runs it as the original demo's design, next
to sluiced with validator.py.
"""
import json
import os
import signal
import sys

from confluent_kafka import Consumer, KafkaError, KafkaException, Producer

from validator import validate

running = True


def stop(*_):
    global running
    running = False


def route(value):
    """The verdict and the value to write, by validator.py's rules (the same checks as the
    json-protocol example, including its simulated TRANSIENT_RATE)."""
    try:
        request = {"value": json.loads(value)}
    except (TypeError, ValueError):
        request = {"text": ""}
    response = validate(request)
    if response["verdict"] == "success":
        return "success", json.dumps(response["value"]).encode()
    return response["verdict"], value


def report_commit(error, partitions):
    """A refused commit (a rebalance took the partitions meanwhile) means the new owner
    handles that batch again: say so, since this design repeats it silently otherwise."""
    if error is not None and error.code() != KafkaError._NO_OFFSET:
        print(f"commit refused, its batch will be handled again: {error}", file=sys.stderr, flush=True)


def main():
    signal.signal(signal.SIGTERM, stop)
    env = os.environ
    topics = {"success": env["SUCCESS_TOPIC"], "permanent": env["PERMANENT_FAILURE_TOPIC"], "transient": env["TRANSIENT_FAILURE_TOPIC"]}
    consumer = Consumer({
        "bootstrap.servers": env["KAFKA_BROKER"], "group.id": env["GROUP_ID"], "enable.auto.commit": False,
        "auto.offset.reset": "earliest", "session.timeout.ms": int(env.get("SESSION_TIMEOUT_MS", "45000")),
        "heartbeat.interval.ms": int(env.get("HEARTBEAT_INTERVAL_MS", "3000")), "on_commit": report_commit,
    })
    producer = Producer({"bootstrap.servers": env["KAFKA_BROKER"], "enable.idempotence": True})
    consumer.subscribe([env["INPUT_TOPIC"]])
    print(f"instance {env.get('SLUICE_WORKER_ID', '?')} consuming {env['INPUT_TOPIC']}", file=sys.stderr, flush=True)
    batch_size = int(env.get("BATCH_SIZE", "500"))
    while running:
        batch = consumer.consume(num_messages=batch_size, timeout=0.5)
        for message in batch:
            if message.error():
                if message.error().code() != KafkaError._PARTITION_EOF:
                    print(f"consumer: {message.error()}", file=sys.stderr, flush=True)
                continue
            verdict, value = route(message.value())
            producer.produce(topics[verdict], value=value, key=message.key(), headers=message.headers())
        if batch:
            producer.flush()  # delivered before the offsets move: at least once
            consumer.commit(asynchronous=True)
    producer.flush()
    try:
        consumer.commit(asynchronous=False)  # the last batch's offsets, before leaving
    except KafkaException:
        pass  # nothing new to commit
    consumer.close()
    print("stopped cleanly", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
