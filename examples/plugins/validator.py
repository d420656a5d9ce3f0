#!/usr/bin/env python3
"""The demo's measurement validator as a Sluice plugin, in plain Python (standard library only).

Protocol: docs/PROTOCOL.md. One JSON request per line on stdin, one JSON response per line
on stdout, stderr for logs. Run it under sluiced:

    sluiced --workers 2 -- python3 examples/plugins/validator.py

Verdicts: a valid measurement -> success (with "validated_by" added); invalid or not JSON ->
permanent; a share TRANSIENT_RATE (default 0.05) -> transient, simulating a flaky dependency.
"""
import json
import os
import random
import sys

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
    for line in sys.stdin:  # JSON Lines: split on "\n" only, never str.splitlines()
        request = json.loads(line)
        response = validate(request)
        response["id"] = request["id"]
        sys.stdout.write(json.dumps(response) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
