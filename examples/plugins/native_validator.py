#!/usr/bin/env python3
"""A plugin in the original demo's style, doing its own Kafka I/O with confluent-kafka,
run unchanged under sluiced's supervision (protocol kafka-native):

    pip install confluent-kafka
    sluiced --protocol kafka-native --workers 3 -- python3 examples/plugins/native_validator.py

It reads the demo's variables (KAFKA_BROKER, INPUT_TOPIC, SUCCESS_TOPIC,
PERMANENT_FAILURE_TOPIC, TRANSIENT_FAILURE_TOPIC, GROUP_ID), consumes the input as a
member of the group, writes each message to the topic its verdict names (key and headers
kept), and commits an offset only after the outputs before it are delivered. SIGTERM stops
it cleanly: it finishes the batch in hand, commits, and leaves the group.
"""
import json
import os
import signal
import sys

from confluent_kafka import Consumer, KafkaError, Producer

RANGES = {"temperature": (-50, 60), "humidity": (0, 100), "pressure": (870, 1085)}
running = True


def stop(*_):
    global running
    running = False


def verdict(value):
    try:
        measurement = json.loads(value)
    except (TypeError, ValueError):
        return "permanent"
    if not isinstance(measurement, dict) or measurement.get("type") not in RANGES:
        return "permanent"
    low, high = RANGES[measurement["type"]]
    number = measurement.get("value")
    return "success" if isinstance(number, (int, float)) and low <= number <= high else "permanent"


def main():
    signal.signal(signal.SIGTERM, stop)
    env = os.environ
    topics = {"success": env["SUCCESS_TOPIC"], "permanent": env["PERMANENT_FAILURE_TOPIC"], "transient": env["TRANSIENT_FAILURE_TOPIC"]}
    consumer = Consumer({
        "bootstrap.servers": env["KAFKA_BROKER"], "group.id": env["GROUP_ID"], "enable.auto.commit": False,
        "auto.offset.reset": "earliest", "session.timeout.ms": int(env.get("SESSION_TIMEOUT_MS", "45000")),
        "heartbeat.interval.ms": int(env.get("HEARTBEAT_INTERVAL_MS", "3000")),
    })
    producer = Producer({"bootstrap.servers": env["KAFKA_BROKER"], "enable.idempotence": True})
    consumer.subscribe([env["INPUT_TOPIC"]])
    print(f"instance {env.get('SLUICE_WORKER_ID', '?')} consuming {env['INPUT_TOPIC']}", file=sys.stderr, flush=True)
    while running:
        batch = consumer.consume(num_messages=500, timeout=0.5)
        for message in batch:
            if message.error():
                if message.error().code() != KafkaError._PARTITION_EOF:
                    print(f"consumer: {message.error()}", file=sys.stderr, flush=True)
                continue
            topic = topics[verdict(message.value())]
            producer.produce(topic, value=message.value(), key=message.key(), headers=message.headers())
        if batch:
            producer.flush()  # delivered before the offsets move: at least once
            consumer.commit(asynchronous=False)
    producer.flush()
    consumer.close()
    print("stopped cleanly", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
