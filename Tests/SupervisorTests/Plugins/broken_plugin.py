#!/usr/bin/env python3
"""A plugin broken on purpose, for sluicectl check-plugin's tests (BROKEN=...):
wrong-id answers with an id it was not sent, no-newline never ends its answers,
hang reads but never answers, crash exits on its first request, linger ignores a closed stdin."""
import json
import os
import sys
import time

MODE = os.environ.get("BROKEN", "")

for line in sys.stdin:
    request = json.loads(line)
    if MODE == "crash":
        print("giving up on request " + request["id"], file=sys.stderr, flush=True)
        sys.exit(3)
    if MODE == "hang":
        continue
    answer = {"id": "wrong-" + request["id"] if MODE == "wrong-id" else request["id"], "verdict": "success"}
    sys.stdout.write(json.dumps(answer) + ("" if MODE == "no-newline" else "\n"))
    sys.stdout.flush()
if MODE == "linger":
    time.sleep(60)
