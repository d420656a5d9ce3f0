#!/usr/bin/env node
// Re-keys measurements by site (protocol 1.1 `key`), so that a downstream consumer gets
// each site's readings in order from one partition: the value and headers stay, the key
// becomes the value's `site` (or, without one, the part of `sensor_id` before the first
// "-"). A message that is not a JSON object is dead-lettered.
//
//   sluiced -- node examples/plugins/rekey.js
const readline = require("node:readline");

function rekey(request) {
  const m = request.value;
  if (m === null || typeof m !== "object" || Array.isArray(m)) return { verdict: "permanent", reason: "not a JSON object" };
  const site = typeof m.site === "string" ? m.site : String(m.sensor_id ?? "").split("-")[0];
  if (site === "") return { verdict: "permanent", reason: "no site and no sensor_id" };
  return { verdict: "success", key: site, headers: { "rekeyed-from": request.key ?? null } };
}

// readline splits on "\n" (and "\r\n") only, never on U+2028, as the protocol requires.
const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on("line", (line) => {
  const request = JSON.parse(line);
  process.stdout.write(JSON.stringify({ id: request.id, ...rekey(request) }) + "\n");
});
