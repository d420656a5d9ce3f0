#!/usr/bin/env python3
"""The demo's measurement validator as a Sluice plugin, in plain Python (standard library
only; orjson, when installed, reads and writes the JSON faster).

Protocol: docs/PROTOCOL.md. One JSON request per line on stdin, one JSON response per line
on stdout, stderr for logs. Run it under sluiced:

    sluiced --workers 2 -- python3 examples/plugins/validator.py

It reads the id and the value alone, so `--request-fields value` spares it (and sluiced)
the rest of each request.

Verdicts: a valid measurement -> success (with "validated_by" added); invalid or not JSON ->
permanent; a share TRANSIENT_RATE (default 0.05) -> transient, simulating a flaky dependency.
"""
import json
import os
import random
import re
import sys

try:  # orjson parses and writes JSON several times faster; the standard library otherwise
    import orjson

    # orjson reads an integer beyond 64 bits as a float: a line with such a long number goes
    # to the standard library, which keeps it exact.
    LONG_NUMBER = re.compile(rb"\d{19}")

    def decode(line):
        if LONG_NUMBER.search(line):
            return json.loads(line)
        try:
            return orjson.loads(line)
        except orjson.JSONDecodeError:  # what it refuses (1e400) the standard library reads
            return json.loads(line)

    def encode(response):
        try:
            return orjson.dumps(response) + b"\n"
        except TypeError:  # an integer beyond 64 bits
            return json.dumps(response).encode() + b"\n"

except ImportError:
    decode = json.loads

    def encode(response):
        return json.dumps(response).encode() + b"\n"


VALID_RANGES = {"temperature": (-50, 60), "humidity": (0, 100), "pressure": (870, 1085)}
TRANSIENT_RATE = float(os.environ.get("TRANSIENT_RATE", "0.05"))
WORKER = os.environ.get("SLUICE_WORKER_ID", "?")


def validate(request):
    if "value" not in request:  # "text" or "base64": the message was not JSON
        return {"verdict": "permanent", "reason": "not JSON"}
    measurement = request["value"]
    if not isinstance(measurement, dict):
        return {"verdict": "permanent", "reason": "not a JSON object"}
    missing = [field for field in ("sensor_id", "type", "value", "unit") if field not in measurement]
    if missing:
        return {"verdict": "permanent", "reason": "missing " + ", ".join(missing)}
    kind, value = measurement["type"], measurement["value"]
    if kind not in VALID_RANGES:
        return {"verdict": "permanent", "reason": f"unknown measurement type {kind!r}"}
    low, high = VALID_RANGES[kind]
    if not isinstance(value, (int, float)) or not low <= value <= high:
        return {"verdict": "permanent", "reason": f"{kind} {value} outside {low}..{high}"}
    if random.random() < TRANSIENT_RATE:
        return {"verdict": "transient", "reason": "reference service unavailable (simulated)"}
    return {"verdict": "success", "value": dict(measurement, validated_by=f"validator.py/{WORKER}")}


def main():
    # Answer everything read so far with one write: sluiced writes requests ahead, so
    # answering line by line would cost a system call per message.
    pending = b""
    while chunk := os.read(0, 1 << 16):
        *lines, pending = (pending + chunk).split(b"\n")  # JSON Lines: split on "\n" only
        answers = []
        for line in lines:
            request = decode(line)
            response = validate(request)
            response["id"] = request["id"]
            answers.append(encode(response))
        sys.stdout.buffer.write(b"".join(answers))
        sys.stdout.buffer.flush()


if __name__ == "__main__":
    main()
