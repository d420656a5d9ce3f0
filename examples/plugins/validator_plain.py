#!/usr/bin/env python3
"""validator.py's rules written the plainest way docs/PROTOCOL.md allows: a line in,
json.dumps of the answer out, a flush per line, the standard library alone. validator.py
itself reads and answers in chunks (and with orjson when installed); this is the loop a
plugin author writes first, and `make bench` holds it to the demo design.

    sluiced --workers 2 -- python3 examples/plugins/validator_plain.py
"""
import json
import sys

from validator import validate

for line in sys.stdin:
    request = json.loads(line)
    response = validate(request)
    response["id"] = request["id"]
    print(json.dumps(response), flush=True)
