#!/usr/bin/env python3
"""Splits a batch: one JSON array of measurements in, one output per element, keyed by
the element's sensor_id (so each sensor's readings stay in order in one partition).
Protocol 1.1 through sluice_plugin.py: the handler yields its outputs.

    sluiced -- python3 examples/plugins/splitter.py
"""
from sluice_plugin import Permanent, Success, plugin


@plugin
def split(message):
    if not isinstance(message.value, list):
        raise Permanent("not a JSON array")
    for index, element in enumerate(message.value):
        if not isinstance(element, dict) or "sensor_id" not in element:
            raise Permanent(f"element {index} has no sensor_id")
    for element in message.value:  # checked first: a bad batch writes nothing
        yield Success(element, key=str(element["sensor_id"]))
