#!/usr/bin/env node
// The measurement validator in Node.js (no packages): one JSON request per line on stdin,
// one JSON response per line on stdout (docs/PROTOCOL.md).
//
//   sluiced --workers 2 -- node examples/plugins/validator.js
const readline = require("node:readline");

const RANGES = { temperature: [-50, 60], humidity: [0, 100], pressure: [870, 1085] };

function validate(request) {
  if (!("value" in request)) return { verdict: "permanent", reason: "not JSON" };
  const m = request.value;
  if (m === null || typeof m !== "object" || Array.isArray(m)) return { verdict: "permanent", reason: "not a JSON object" };
  const missing = ["sensor_id", "type", "value", "unit"].filter((field) => !(field in m));
  if (missing.length > 0) return { verdict: "permanent", reason: "missing " + missing.join(", ") };
  const range = RANGES[m.type];
  if (!range) return { verdict: "permanent", reason: `unknown measurement type ${JSON.stringify(m.type)}` };
  if (typeof m.value !== "number" || m.value < range[0] || m.value > range[1]) {
    return { verdict: "permanent", reason: `${m.type} ${m.value} outside ${range[0]}..${range[1]}` };
  }
  return { verdict: "success", value: { ...m, validated_by: "validator.js" } };
}

// readline splits on "\n" (and "\r\n") only, never on U+2028, as the protocol requires.
const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on("line", (line) => {
  const request = JSON.parse(line);
  process.stdout.write(JSON.stringify({ id: request.id, ...validate(request) }) + "\n");
});
