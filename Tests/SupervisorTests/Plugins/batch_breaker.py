#!/usr/bin/env python3
"""Answers every request it has read in one write, the way fast plugins batch, and breaks
the protocol for each value that contains BAD, in the middle of its batch: `!bogus` under
protocol `lines` (no such answer), a line that is not JSON under `json`. Every other
request gets its own answer: "seen " + its value. It waits a little before each read so
that requests pile up into batches."""
import json
import os
import time

LINES = os.environ.get("SLUICE_PROTOCOL") == "lines"


def answer(line):
    if LINES:
        return "!bogus" if "BAD" in line else "seen " + line
    request = json.loads(line)
    text = request.get("text", "")
    if "BAD" in text:
        return "not an answer for " + request["id"]
    return json.dumps({"id": request["id"], "verdict": "success", "text": "seen " + text})


pending = b""
while True:
    time.sleep(0.01)
    chunk = os.read(0, 1 << 20)
    if not chunk:
        break
    pending += chunk
    *lines, pending = pending.split(b"\n")
    if lines:
        answers = [answer(line.decode()) for line in lines]
        os.write(1, ("\n".join(answers) + "\n").encode())
