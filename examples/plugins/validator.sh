#!/usr/bin/env bash
# The measurement validator in bash + jq, one jq process for the whole stream
# (docs/PROTOCOL.md): each request line in, one response line out, unbuffered.
#
#   sluiced --workers 2 -- bash examples/plugins/validator.sh
exec jq -c --unbuffered '
  def ranges: {"temperature": [-50, 60], "humidity": [0, 100], "pressure": [870, 1085]};
  def verdict:
    if has("value") | not then {verdict: "permanent", reason: "not JSON"}
    elif (.value | type) != "object" then {verdict: "permanent", reason: "not a JSON object"}
    else .value as $m
      | [("sensor_id", "type", "value", "unit") as $field | select($m | has($field) | not) | $field] as $missing
      | if ($missing | length) > 0 then {verdict: "permanent", reason: ("missing " + ($missing | join(", ")))}
        elif ranges[$m.type] == null then {verdict: "permanent", reason: "unknown measurement type \($m.type | tojson)"}
        elif ($m.value | type) != "number" or $m.value < ranges[$m.type][0] or $m.value > ranges[$m.type][1]
          then {verdict: "permanent", reason: "\($m.type) \($m.value) outside \(ranges[$m.type][0])..\(ranges[$m.type][1])"}
        else {verdict: "success", value: ($m + {validated_by: "validator.sh"})}
        end
    end;
  {id: .id} + verdict'
