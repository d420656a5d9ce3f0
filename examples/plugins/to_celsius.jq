# A one-shot CLI under protocol `exec`: sluiced runs `jq -c -f to_celsius.jq` once per
# message, with the value on stdin; jq's output is the new value, and jq's exit status the
# verdict (0 success; input that is not JSON, or lacks the field, makes jq exit non-zero:
# permanent, with jq's message as the reason).
#
#   sluiced --protocol exec --workers 4 -- jq -c -f examples/plugins/to_celsius.jq
if has("fahrenheit") then . + {celsius: ((.fahrenheit - 32) * 5 / 9)} else error("no fahrenheit field") end
