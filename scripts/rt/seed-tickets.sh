#!/usr/bin/env bash
# seed-tickets.sh: create N tickets through REST 2.0 on an RT started by start-rt.sh, in
# every status of the default lifecycle, then print how many RT holds in each.
#
# Usage: seed-tickets.sh DIR [N]      (DIR: the "dir:" start-rt.sh printed; N defaults to 250)
# Ticket i gets status new, open, stalled, resolved, rejected or deleted in turn (i mod 6),
# priority 0/50/100/200 in turn, a requestor seed-<i mod 10>@example.com, and a unicode subject.
# Stalled and rejected are set after creation (RT refuses to create them); deleted tickets are
# deleted after creation. Needs curl. Prints "status: count" lines as RT itself counts them
# (TicketSQL), deleted ones counted from what was deleted (RT never lists them).
set -euo pipefail

DIR="${1:?usage: seed-tickets.sh DIR [N]}"
N="${2:-250}"
[ -f "$DIR/rt.env" ] || { echo "seed-tickets: no rt.env in $DIR" >&2; exit 1; }
# shellcheck disable=SC1091
. "$DIR/rt.env"
command -v curl >/dev/null || { echo "seed-tickets: curl is needed" >&2; exit 1; }

STATUSES=(new open stalled resolved rejected deleted)
PRIORITIES=(0 50 100 200)

one() {
  local i="$1" status="${STATUSES[$(( $1 % 6 ))]}" prio="${PRIORITIES[$(( $1 % 4 ))]}" create_status="" id
  case "$status" in new|open|resolved) create_status=",\"Status\":\"$status\"" ;; esac
  id=$(curl -sf -H "Authorization: token $RT_TOKEN" -H 'Content-Type: application/json' \
        -X POST "$RT_REST_URL/ticket" \
        -d "{\"Queue\":\"General\",\"Subject\":\"Seed ticket $i: réclamation ✓\",\"Requestor\":\"seed-$(( i % 10 ))@example.com\",\"Priority\":$prio$create_status}" \
       | sed -n 's/.*"id" *: *"\{0,1\}\([0-9][0-9]*\).*/\1/p')
  [ -n "$id" ] || { echo "seed-tickets: ticket $i was not created" >&2; return 1; }
  case "$status" in
    stalled|rejected)
      curl -sf -o /dev/null -H "Authorization: token $RT_TOKEN" -H 'Content-Type: application/json' \
        -X PUT "$RT_REST_URL/ticket/$id" -d "{\"Status\":\"$status\"}" ;;
    deleted)
      curl -sf -o /dev/null -H "Authorization: token $RT_TOKEN" -X DELETE "$RT_REST_URL/ticket/$id" ;;
  esac
  echo "$id $status"
}
export -f one
export RT_TOKEN RT_REST_URL
export STATUSES_STR="${STATUSES[*]}" PRIORITIES_STR="${PRIORITIES[*]}"

t0=$(date +%s)
seq 0 $(( N - 1 )) | xargs -P 4 -I{} bash -c 'STATUSES=($STATUSES_STR); PRIORITIES=($PRIORITIES_STR); one {}' > "$DIR/seeded-tickets.txt"
echo "seed-tickets: $(wc -l < "$DIR/seeded-tickets.txt") tickets created in $(( $(date +%s) - t0 ))s (ids and statuses in $DIR/seeded-tickets.txt)" >&2

for s in new open stalled resolved rejected; do
  total=$(curl -sf -G -H "Authorization: token $RT_TOKEN" "$RT_REST_URL/tickets" \
            --data-urlencode "query=Status = '$s'" --data-urlencode "per_page=1" \
          | sed -n 's/.*"total" *: *\([0-9][0-9]*\).*/\1/p')
  echo "$s: ${total:-?}"
done
echo "deleted: $(grep -c ' deleted$' "$DIR/seeded-tickets.txt" || true)"
