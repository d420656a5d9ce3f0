#!/usr/bin/env python3
"""A Sluice plugin written from docs/PROTOCOL.md alone, used by the integration tests.

Routes each message by its `route` header (success, transient, permanent, or
transient-until-N: transient before attempt N, then success; a `retry-after` header is
answered as retry_after_ms) and checks that
the value arrived in the field its `kind` header names (value, text, base64, none); a
mismatch is answered permanent, which the tests would see in the wrong topic.

What it saw, for tests that must not take sluiced's word for it:
  RECORD_DIR  append the id header of every request received to RECORD_DIR/PID.ids

Misbehaviour for tests, driven by the environment:
  ANNOUNCE=1 say "plugin ready" on stderr at start, and "reloaded on SIGHUP (pid N)" each
             time SIGHUP arrives, as a plugin reloading its own config would
  DELAY_MS   sleep this long per message
  TRAP_ALWAYS=1  misbehave on every trapped message, not once
  TRAP_MODE  garbage | unknown-id | crash | close-stdout | hang, or hostile output:
             huge-line | invalid-utf8 | nul-bytes | deep-json | huge-number | huge-integer |
             other-worker-id | names-a-topic: on a message whose `trap` header is set,
             misbehave once (a marker file in TRAP_DIR remembers it), then behave; `hang`
             sleeps HANG_MS (default 7000) and then answers normally.
"""
import json
import os
import signal
import sys
import time

DELAY = int(os.environ.get("DELAY_MS", "0")) / 1000.0
TRAP_MODE = os.environ.get("TRAP_MODE")
TRAP_DIR = os.environ.get("TRAP_DIR", "/tmp")
RECORD = open(os.path.join(os.environ["RECORD_DIR"], f"{os.getpid()}.ids"), "a") if "RECORD_DIR" in os.environ else None


def trap_once(message_id):
    """True the first time a trapped message is seen, across restarts."""
    if os.environ.get("TRAP_ALWAYS") == "1":
        return True
    marker = os.path.join(TRAP_DIR, "trapped-" + message_id)
    try:
        fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return False
    os.close(fd)
    return True


def answer(request):
    headers = request.get("headers", {})
    kind = headers.get("kind")
    present = [field for field in ("value", "text", "base64") if field in request]
    actual = present[0] if present else "none"
    if kind is not None and kind != actual:
        return {"id": request["id"], "verdict": "permanent", "reason": f"kind mismatch: expected {kind}, got {actual}"}
    route = headers.get("route", "success")
    if route.startswith("transient-until-"):
        route = "transient" if request["attempt"] < int(route.rsplit("-", 1)[1]) else "success"
    if route == "success":
        response = {"id": request["id"], "verdict": "success", "headers": {"plugin": "route_plugin"}}
        if headers.get("replace") == "upper" and "text" in request:
            response["text"] = request["text"].upper()
        if headers.get("replace") == "double" and "text" in request:
            response["text"] = request["text"] * 2
        return response
    response = {"id": request["id"], "verdict": route, "reason": headers.get("reason", f"routed {route} by header")}
    if "retry-after" in headers:
        response["retry_after_ms"] = int(headers["retry-after"])
    return response


def huge_line(_request):
    """100 MB without a newline, then nothing: sluiced must give up at its line limit."""
    chunk = b"x" * (1 << 20)
    try:
        for _ in range(100):
            sys.stdout.buffer.write(chunk)
    except BrokenPipeError:
        pass
    time.sleep(60)


def raw(line):
    return lambda request: sys.stdout.buffer.write(line.replace(b"ID", request["id"].encode()) + b"\n")


# Hostile answers: each must be a protocol error (or, for names-a-topic, an ignored field).
HOSTILE = {
    "huge-line": huge_line,
    "invalid-utf8": raw(b'{"id":"ID","verdict":"success","reason":"\xff\xfe\xc0"}'),
    "nul-bytes": raw(b'{"id":"ID",\x00"verdict":"success"}'),
    "deep-json": raw(b'{"id":"ID","verdict":"success","headers":{"a":' + b"[" * 200000 + b"]" * 200000 + b"}}"),
    "huge-number": raw(b'{"id":"ID","verdict":"transient","retry_after_ms":1e400}'),
    "huge-integer": raw(b'{"id":"ID","verdict":"transient","retry_after_ms":123456789012345678901234567890}'),
    "other-worker-id": lambda request: sys.stdout.write(json.dumps({"id": str(int(request["id"]) + 1), "verdict": "success"}) + "\n"),
    "names-a-topic": lambda request: sys.stdout.write(json.dumps(dict(answer(request), topic="evil-topic", partition=0)) + "\n"),
}


if os.environ.get("ANNOUNCE") == "1":
    signal.signal(signal.SIGHUP, lambda *_: print(f"reloaded on SIGHUP (pid {os.getpid()})", file=sys.stderr, flush=True))
    print("plugin ready", file=sys.stderr, flush=True)


for line in sys.stdin:  # iterates on "\n" only
    request = json.loads(line)
    if RECORD:
        RECORD.write(request.get("headers", {}).get("id", "") + "\n")
        RECORD.flush()
    if DELAY:
        time.sleep(DELAY)
    if TRAP_MODE and "trap" in request.get("headers", {}) and trap_once(request["headers"]["id"]):
        print(f"trap {TRAP_MODE} on {request['headers']['id']}", file=sys.stderr, flush=True)
        if TRAP_MODE == "garbage":
            sys.stdout.write("this is not a frame\n")
        elif TRAP_MODE == "unknown-id":
            sys.stdout.write(json.dumps({"id": "no-such-request", "verdict": "success"}) + "\n")
        elif TRAP_MODE == "crash":
            os._exit(3)
        elif TRAP_MODE == "close-stdout":
            os.close(1)
            time.sleep(60)
        elif TRAP_MODE in HOSTILE:
            sys.stdout.flush()
            HOSTILE[TRAP_MODE](request)
            sys.stdout.flush()
        elif TRAP_MODE == "hang":
            time.sleep(int(os.environ.get("HANG_MS", "7000")) / 1000.0)
            sys.stdout.write(json.dumps(answer(request)) + "\n")
        sys.stdout.flush()
        continue
    sys.stdout.write(json.dumps(answer(request)) + "\n")
    sys.stdout.flush()
