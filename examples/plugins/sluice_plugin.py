"""Write a Sluice plugin in Python as one decorated function (standard library only; with
orjson installed it reads and writes the JSON several times faster, judging every result
the same way).

Copy this file next to your plugin (or put it on PYTHONPATH) and write:

    from sluice_plugin import plugin, Permanent, Transient

    @plugin
    def handle(message):
        if not isinstance(message.value, dict):
            raise Permanent("not a JSON object")        # -> the permanent topic (dead letter)
        if reference_service_down():
            raise Transient("reference service down")   # -> retried later, with a delay
        return {**message.value, "checked": True}       # -> success, with this new value

The function gets a `Message`; what it returns decides the verdict:
  None                      success, the original value unchanged
  dict/list/int/float/bool  success, this JSON value replaces the value
  str                       success, this text replaces the value (not JSON)
  bytes                     success, these bytes replace the value (binary)
  Success(...)              success with a value (or none), a new key, headers to set
                            (a header set to None is removed)
  DROP                      nothing is written; the message is done
  an iterator (a generator: the function yields)
                            one output per item, in order, each item read as above
                            (None: a null value); yielding nothing drops the message
Raise Transient(reason, retry_after_ms=None) or Permanent(reason) to fail a message.
Any other exception is a permanent failure whose reason names it, and its traceback goes
to stderr (sluiced's log), so a bug dead-letters the message instead of stopping the
pipeline; replay the dead letters after the fix (sluicectl dlq replay). So does a result
JSON cannot carry (a datetime, a Decimal, a set, NaN or infinity): that one message is
dead-lettered with the reason, and the plugin runs on.

The protocol underneath is docs/PROTOCOL.md: one JSON request per line on stdin, one JSON
response per line on stdout. Never print to stdout yourself: use stderr for logs.
"""
import base64
import json
import math
import os
import re
import sys
import traceback
from collections.abc import Iterator

__all__ = ["plugin", "Message", "Success", "DROP", "Transient", "Permanent"]


class Transient(Exception):
    """The message could not be handled now; sluiced retries it after a delay."""

    def __init__(self, reason, retry_after_ms=None):
        super().__init__(reason)
        self.reason = reason
        self.retry_after_ms = retry_after_ms


class Permanent(Exception):
    """The message can never be handled; it goes to the permanent-failure topic."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


class Success:
    """Success with headers to set on the output (None removes one); `value`, `text` or
    `data` replaces the value; `key` (str, bytes, or None for no key) replaces the key."""

    _unset = object()

    def __init__(self, value=_unset, text=None, data=None, headers=None, key=_unset):
        self.value, self.text, self.data, self.headers, self.key = value, text, data, headers or {}, key


class _Drop:
    def __repr__(self):
        return "DROP"


DROP = _Drop()
"""Returned by a handler: the message is done and nothing is written for it."""


class Message:
    """One Kafka message as sluiced hands it over."""

    def __init__(self, request):
        self.request = request
        self.id = request["id"]
        self.topic = request.get("topic")
        self.partition = request.get("partition")
        self.offset = request.get("offset")
        self.timestamp = request.get("timestamp")
        self.attempt = request.get("attempt", 1)
        self.key = request.get("key")
        self.headers = request.get("headers", {})
        self.is_json = "value" in request
        # The value: parsed JSON when the message was JSON, else None (see text and data).
        self.value = request.get("value")
        self.text = request.get("text")
        self.data = base64.b64decode(request["base64"]) if "base64" in request else None


def _response(message_id, outcome):
    if outcome is DROP:
        return {"id": message_id, "verdict": "drop"}
    if isinstance(outcome, Iterator):  # a generator: one output per item (none: a drop)
        return {"id": message_id, "verdict": "success", "outputs": [_output({}, item) for item in outcome]}
    return _output({"id": message_id, "verdict": "success"}, outcome)


def _output(fields, outcome):
    """Adds to `fields` what `outcome` says of one output. Without a value field, the
    single output keeps the original value, and an item of a fan-out has a null one."""
    if isinstance(outcome, Success):
        if outcome.value is not Success._unset:
            fields["value"] = outcome.value
        elif outcome.text is not None:
            fields["text"] = outcome.text
        elif outcome.data is not None:
            fields["base64"] = base64.b64encode(outcome.data).decode("ascii")
        if outcome.key is None:
            fields["key"] = None
        elif isinstance(outcome.key, (bytes, bytearray)):
            fields["key_base64"] = base64.b64encode(outcome.key).decode("ascii")
        elif outcome.key is not Success._unset:
            fields["key"] = str(outcome.key)
        if outcome.headers:
            fields["headers"] = outcome.headers
    elif outcome is not None:
        _set_value(fields, outcome)
    return fields


def _set_value(fields, value):
    if isinstance(value, (bytes, bytearray)):
        fields["base64"] = base64.b64encode(value).decode("ascii")
    elif isinstance(value, str):
        fields["text"] = value
    elif value is not None:
        fields["value"] = value


def _encode_standard(response):
    return json.dumps(response, allow_nan=False).encode() + b"\n"


try:  # orjson, when installed; the standard library otherwise
    import orjson

    # orjson reads an integer beyond 64 bits as a float: a line with such a long number goes
    # to the standard library, which keeps it exact.
    _LONG_NUMBER = re.compile(rb"\d{19}")

    def _decode(line):
        if _LONG_NUMBER.search(line):
            return json.loads(line)
        try:
            return orjson.loads(line)
        except orjson.JSONDecodeError:  # what it refuses (1e400) the standard library reads
            return json.loads(line)

    def _plain(value):
        """Whether `value` holds only what both libraries write alike: orjson writes NaN
        and infinity as null and takes a UUID, an Enum or a datetime, which the standard
        library refuses."""
        kind = type(value)
        if kind is str or kind is int or kind is bool or value is None:
            return True
        if kind is float:
            return math.isfinite(value)
        if kind is dict:
            return all(type(name) is str and _plain(item) for name, item in value.items())
        if kind is list:
            return all(_plain(item) for item in value)
        return False

    def _encode(response):
        try:
            if _plain(response):
                return orjson.dumps(response) + b"\n"
        except (orjson.JSONEncodeError, RecursionError):  # an integer beyond 64 bits; a cycle
            pass
        return _encode_standard(response)

except ImportError:
    _decode = json.loads
    _encode = _encode_standard


def plugin(handle):
    """Runs `handle` on every message sluiced sends, until stdin closes. What arrives
    together is answered with one write: sluiced writes requests ahead."""
    pending = b""
    while chunk := os.read(0, 1 << 16):
        *lines, pending = (pending + chunk).split(b"\n")  # "\n" only, as the protocol requires
        sys.stdout.buffer.write(b"".join(_answer_line(handle, _decode(line)) for line in lines))
        sys.stdout.buffer.flush()
    return handle


def _answer_line(handle, request):
    """The response line for one request. A result JSON cannot carry fails that message
    alone (NaN and infinity too: they are not JSON, and sluiced would take the whole line
    for a protocol error)."""
    response = _answer(handle, request)
    try:
        return _encode(response)
    except (TypeError, ValueError, RecursionError) as error:
        traceback.print_exc(file=sys.stderr)
        reason = f"the handler's result cannot be written as JSON: {type(error).__name__}: {error}"
        return _encode_standard({"id": request["id"], "verdict": "permanent", "reason": reason})


def _answer(handle, request):
    try:
        return _response(request["id"], handle(Message(request)))
    except Transient as failure:
        response = {"id": request["id"], "verdict": "transient", "reason": failure.reason}
        if failure.retry_after_ms is not None:
            response["retry_after_ms"] = int(failure.retry_after_ms)
        return response
    except Permanent as failure:
        return {"id": request["id"], "verdict": "permanent", "reason": failure.reason}
    except Exception as error:  # a bug: dead-letter the message, keep running
        traceback.print_exc(file=sys.stderr)
        return {"id": request["id"], "verdict": "permanent", "reason": f"{type(error).__name__}: {error}"}
