# Keeps temperature readings and drops everything else (protocol lines, `!drop`): each
# input line is answered with itself, unchanged, or with `!drop`.
#
#   sluiced --protocol lines -- jq -R -r --unbuffered -f examples/plugins/only_temperatures.jq
. as $line
| (try fromjson catch null) as $m
| if ($m | type) == "object" and $m.type == "temperature" then $line else "!drop" end
