#!/usr/bin/env python3
"""A sluice_plugin.py handler that returns what JSON cannot carry, chosen by the message's
`result` header: datetime, decimal, set, nan, infinity, cycle, uuid, enum; an integer
beyond 64 bits (`bigint`) is JSON and succeeds; anything else succeeds with the value
unchanged. Each such message must be dead-lettered alone, the plugin running on."""
import datetime
import decimal
import enum
import os
import sys
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "examples", "plugins"))
from sluice_plugin import plugin  # noqa: E402


def cycle():
    value = []
    value.append(value)
    return value


RESULTS = {
    "datetime": lambda: {"at": datetime.datetime(2026, 12, 1)},
    "decimal": lambda: {"amount": decimal.Decimal("1.10")},
    "set": lambda: {"tags": {"a", "b"}},
    "nan": lambda: {"reading": float("nan")},
    "infinity": lambda: [float("inf")],
    "cycle": cycle,
    "uuid": lambda: {"id": uuid.UUID(int=7)},
    "enum": lambda: {"color": enum.Enum("Color", "RED").RED},
    "bigint": lambda: {"n": 2**70},
}


@plugin
def handle(message):
    make = RESULTS.get(message.headers.get("result", ""))
    return make() if make else None
