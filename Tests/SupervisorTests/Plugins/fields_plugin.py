"""Answers every request with success and, as the new value, the names of the request's
fields in the order they came (comma-separated text): what `plugin.request_fields` sends."""
import json
import os
import sys

pending = b""
while chunk := os.read(0, 1 << 16):
    *lines, pending = (pending + chunk).split(b"\n")
    answers = []
    for line in lines:
        request = json.loads(line)
        answers.append(json.dumps({"id": request["id"], "verdict": "success", "text": ",".join(request)}) + "\n")
    sys.stdout.write("".join(answers))
    sys.stdout.flush()
