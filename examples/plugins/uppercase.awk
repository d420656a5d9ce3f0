# A plain line filter for protocol `lines`: each message value arrives as one line; the
# line printed back is the new value. Lines starting with "!" are verdicts:
# "!permanent REASON" dead-letters the message, "!transient REASON" retries it later.
#
#   sluiced --protocol lines -- awk -W interactive -f examples/plugins/uppercase.awk
#
# -W interactive makes mawk (Debian's awk) read line by line instead of waiting for a full
# buffer, which would never come; gawk reads pipes line by line anyway (and ignores it).
/^[[:space:]]*$/ { print "!permanent empty value"; fflush(); next }
/^retry / { print "!transient asked to retry"; fflush(); next }
{ print toupper($0); fflush() }
