#!/usr/bin/env bash
# seed-db.sh: add N tickets to an RT started by start-rt.sh by writing its SQLite database
# directly (seed-db.pl: RT's own rows for a ticket created through REST, one transaction), then
# ask the running server, through REST 2.0, how many of them it lists.
#
# Usage: seed-db.sh DIR N [--requestors K] [--queue NAME]
#   DIR  the "dir:" start-rt.sh printed; N tickets are added after any already there.
#   Options go to seed-db.pl (see its header): statuses new/open/stalled/resolved/rejected in
#   turn, priorities 0/50/100/200, requestors seed-<i mod K>@example.com (default K = 10).
# Thousands of tickets a second, where seed-tickets.sh (REST) makes a few: use this one for
# scale (the perf bench's 10k/100k memory figures), seed-tickets.sh for RT's own behaviour
# (scrips, autoreplies, deleted tickets, status-change transactions).
# Prints seed-db.pl's "key: value" lines, then "listed: M" (RT's REST total for the new id
# range) when the server answers; exits 1 if that differs from N.
set -euo pipefail

DIR="${1:?usage: seed-db.sh DIR N [--requestors K] [--queue NAME]}"
N="${2:?usage: seed-db.sh DIR N [--requestors K] [--queue NAME]}"
shift 2
HERE=$(cd "$(dirname "$0")" && pwd)

out=$(perl "$HERE/seed-db.pl" "$DIR" "$N" "$@" 2> >(grep -v 'internal HTML converter' >&2))
echo "$out"
[ "$N" -gt 0 ] || exit 0
first=$(sed -n 's/^first_id: //p' <<<"$out")
last=$(sed -n 's/^last_id: //p' <<<"$out")

[ -f "$DIR/rt.env" ] || exit 0
# shellcheck disable=SC1091
. "$DIR/rt.env"
command -v curl >/dev/null || exit 0
body=$(curl -sf -G -H "Authorization: token $RT_TOKEN" "$RT_REST_URL/tickets" \
         --data-urlencode "query=id >= $first AND id <= $last" --data-urlencode "per_page=1" 2>/dev/null) \
  || { echo "listed: ? (the server at $RT_REST_URL did not answer)"; exit 0; }
listed=$(sed -n 's/.*"total" *: *\([0-9][0-9]*\).*/\1/p' <<<"$body")
echo "listed: ${listed:-?}"
[ "${listed:-}" = "$N" ] || { echo "seed-db: RT lists ${listed:-?} of the $N tickets inserted" >&2; exit 1; }
