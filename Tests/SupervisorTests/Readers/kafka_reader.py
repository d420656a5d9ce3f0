#!/usr/bin/env python3
"""Reads what the tests judge sluiced by, with a Kafka client that is not sluiced's code
(confluent-kafka), so a defect in sluiced's own consumer or header code cannot hide itself.

  kafka_reader.py ends BROKERS TOPIC:PARTITIONS...
      {"TOPIC": [high watermark of partition 0, 1, ...], ...}; -1 for a partition whose
      leader did not answer within 5 s (a test can slow a broker down on purpose)
  kafka_reader.py committed BROKERS GROUP TOPIC:PARTITIONS
      [committed offset of partition 0, 1, ...] (-1 where none); asked again for up to
      60 s while the coordinator does not answer
  kafka_reader.py read BROKERS TIMEOUT_S TOPIC:PARTITIONS...
      every record below each partition's end offset as it stood when the read began, one
      JSON object a line: topic, partition, offset, timestamp, key and value (base64, or
      null), headers ([name, base64 or null] in order); exits 1 when a partition's records
      cannot all be read within TIMEOUT_S (or the broker dropped some: its low watermark
      is above 0).

It never closes its client: a close waits for every request still in flight, which a
broker slowed down on purpose can hold for minutes. The process exit ends it.
"""
import base64
import json
import os
import sys
import threading
import time

from confluent_kafka import Consumer, KafkaError, KafkaException, TopicPartition


def partitions(specs):
    for spec in specs:
        topic, count = spec.rsplit(":", 1)
        for partition in range(int(count)):
            yield topic, partition


def client(brokers, group="sluice-test-reader"):
    return Consumer({"bootstrap.servers": brokers, "group.id": group, "enable.auto.commit": False,
                     "enable.partition.eof": False, "log_level": 3})


def end_offset(consumer, topic, partition):
    """The partition's high watermark, or -1 when its leader does not answer within 5 s.
    Asked on a thread of its own: librdkafka 2.0.2 can wait far past the timeout it is
    given while the broker holds the request."""
    answer = []

    def ask():
        try:
            answer.append(consumer.get_watermark_offsets(TopicPartition(topic, partition), timeout=5)[1])
        except KafkaException:
            answer.append(-1)

    asking = threading.Thread(target=ask, daemon=True)
    asking.start()
    asking.join(6)
    return answer[0] if answer else -1


def ends(brokers, specs):
    consumer = client(brokers)
    result = {}
    for topic, partition in partitions(specs):
        result.setdefault(topic, []).append(end_offset(consumer, topic, partition))
    return result


def encode(data):
    return None if data is None else base64.b64encode(data).decode()


def read(brokers, timeout, specs):
    consumer = client(brokers)
    wanted = {}
    for topic, partition in partitions(specs):
        low, high = consumer.get_watermark_offsets(TopicPartition(topic, partition), timeout=10)
        if low > 0:
            sys.exit(f"{topic}[{partition}]: the broker dropped offsets below {low}")
        if high > 0:
            wanted[(topic, partition)] = high
    consumer.assign([TopicPartition(topic, partition, 0) for topic, partition in wanted])
    next_offset = {key: 0 for key in wanted}
    deadline = time.monotonic() + timeout
    out = sys.stdout
    while any(next_offset[key] < end for key, end in wanted.items()):
        if time.monotonic() > deadline:
            short = {f"{t}[{p}]": f"{next_offset[(t, p)]}/{end}" for (t, p), end in wanted.items() if next_offset[(t, p)] < end}
            sys.exit(f"not all read within {timeout} s: {short}")
        message = consumer.poll(0.2)
        if message is None:
            continue
        if message.error():
            raise KafkaException(message.error())
        key = (message.topic(), message.partition())
        if key not in wanted or message.offset() >= wanted[key]:
            continue
        next_offset[key] = message.offset() + 1
        record = {"topic": key[0], "partition": key[1], "offset": message.offset(), "timestamp": message.timestamp()[1],
                  "key": encode(message.key()), "value": encode(message.value()),
                  "headers": [[name, encode(value)] for name, value in (message.headers() or [])]}
        out.write(json.dumps(record) + "\n")


def committed(consumer, asked, within=60):
    """The committed offsets of `asked`; asked again while the coordinator does not answer
    in time (a broker slowed down on purpose, a loaded machine), for up to `within` s."""
    deadline = time.monotonic() + within
    while True:
        try:
            return consumer.committed(asked, timeout=10)
        except KafkaException as error:
            if error.args[0].code() != KafkaError._TIMED_OUT or time.monotonic() >= deadline:
                raise


def main(argv):
    command = argv[1]
    if command == "ends":
        print(json.dumps(ends(argv[2], argv[3:])))
    elif command == "committed":
        consumer = client(argv[2], group=argv[3])
        asked = [TopicPartition(topic, partition) for topic, partition in partitions(argv[4:])]
        print(json.dumps([entry.offset if entry.offset >= 0 else -1 for entry in committed(consumer, asked)]))
    elif command == "read":
        read(argv[2], float(argv[3]), argv[4:])
    else:
        sys.exit(f"unknown command {command}")


if __name__ == "__main__":
    try:
        main(sys.argv)
        status = 0
    except BaseException as error:  # SystemExit from sys.exit(message) included
        print(error, file=sys.stderr)
        status = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
