#!/usr/bin/env python3
"""A protocol 1.1 plugin written from docs/PROTOCOL.md alone, for the fan-out tests.

Answers each message by its headers:
  fanout: N   success with N outputs (0 is a drop), output i has the text "<id>/<i>", the
              header id "<id>/<i>" (so each output is accounted for) and "part": "<i>";
              with "spread": "1" output i is keyed "<key>-<i mod 3>", else it keeps the key;
              with "pad": P each text gets P more bytes
  rekey: K    one output keyed K ("null": no key), with headers "added": "yes" set,
              "replaced" set over the input's, "removed" removed
  otherwise   success, unchanged
  crash-once  exits 3 the first time it sees the message (a marker file in TRAP_DIR
              remembers it), then answers as above
DELAY_MS in the environment sleeps this long per message.
"""
import json
import os
import sys
import time

DELAY = int(os.environ.get("DELAY_MS", "0")) / 1000.0


def answer(request):
    headers = request.get("headers", {})
    message_id = headers.get("id", "?")
    if "crash-once" in headers:
        try:
            os.close(os.open(os.path.join(os.environ["TRAP_DIR"], "crashed-" + message_id), os.O_CREAT | os.O_EXCL))
            os._exit(3)
        except FileExistsError:
            pass
    if "fanout" in headers:
        outputs = []
        for i in range(int(headers["fanout"])):
            output = {"text": f"{message_id}/{i}" + "x" * int(headers.get("pad", "0")), "headers": {"id": f"{message_id}/{i}", "part": str(i)}}
            if headers.get("spread") == "1":
                output["key"] = f"{request.get('key', '')}-{i % 3}"
            outputs.append(output)
        return {"id": request["id"], "verdict": "success", "outputs": outputs}
    if "rekey" in headers:
        key = None if headers["rekey"] == "null" else headers["rekey"]
        return {
            "id": request["id"], "verdict": "success", "key": key,
            "headers": {"added": "yes", "replaced": "new", "removed": None},
        }
    return {"id": request["id"], "verdict": "success"}


for line in sys.stdin:
    if DELAY:
        time.sleep(DELAY)
    sys.stdout.write(json.dumps(answer(json.loads(line))) + "\n")
    sys.stdout.flush()
