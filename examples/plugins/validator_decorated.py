#!/usr/bin/env python3
"""The measurement validator as one decorated function, with sluice_plugin.py.

    sluiced --workers 2 -- python3 examples/plugins/validator_decorated.py
"""
from sluice_plugin import Permanent, plugin

RANGES = {"temperature": (-50, 60), "humidity": (0, 100), "pressure": (870, 1085)}


@plugin
def validate(message):
    if not message.is_json:
        raise Permanent("not JSON")
    measurement = message.value
    if not isinstance(measurement, dict):
        raise Permanent("not a JSON object")
    missing = [field for field in ("sensor_id", "type", "value", "unit") if field not in measurement]
    if missing:
        raise Permanent("missing " + ", ".join(missing))
    kind, value = measurement["type"], measurement["value"]
    if kind not in RANGES:
        raise Permanent(f"unknown measurement type {kind!r}")
    low, high = RANGES[kind]
    if not isinstance(value, (int, float)) or not low <= value <= high:
        raise Permanent(f"{kind} {value} outside {low}..{high}")
    return {**measurement, "validated_by": "validator_decorated.py"}
