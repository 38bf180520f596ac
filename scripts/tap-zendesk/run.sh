#!/usr/bin/env bash
# Runs Singer's tap-zendesk (from PyPI) against the unidesk Zendesk simulator and checks that
# it extracts every ticket and every user. See README.md.
#
#   scripts/tap-zendesk/run.sh [--tickets N] [--seed S] [--with-comments]
#
# --with-comments also selects ticket_comments (read from /tickets/{id}/audits) and checks
# that the tap extracts every comment of every live ticket.
#
# Env: UNIDESK_CACHE (venv location, default ${XDG_CACHE_HOME:-~/.cache}/unidesk),
#      TAP_ZENDESK_VERSION (default 2.8.2), CARGO_TARGET_DIR (honoured by cargo).
set -euo pipefail

tickets=1500
seed=42
comments=0
while [ $# -gt 0 ]; do
  case "$1" in
    --tickets) tickets="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --with-comments) comments=1; shift ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cache="${UNIDESK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/unidesk}"
venv="$cache/tap-zendesk-venv"
version="${TAP_ZENDESK_VERSION:-2.8.2}"
work="$(mktemp -d)"
sim_pid=""
keep_work="${ZSIM_KEEP_WORK:-}"
# shellcheck source=../lib/singer.sh
source "$root/scripts/lib/singer.sh"
trap singer_cleanup EXIT

singer_install tap-zendesk "$version" "$venv"

(cd "$root" && cargo build -q -p unidesk-zendesk-sim --example serve)
target="${CARGO_TARGET_DIR:-$root/target}"
"$target/debug/examples/serve" --tickets "$tickets" --seed "$seed" >"$work/sim.out" 2>"$work/sim.err" &
sim_pid=$!
for _ in $(seq 1 100); do
  grep -q '^users: ' "$work/sim.out" 2>/dev/null && break
  sleep 0.1
done
field() { sed -n "s/^$1: //p" "$work/sim.out"; }
base_url="$(field base_url)"
[ -n "$base_url" ] || { echo "the simulator did not start" >&2; cat "$work/sim.err" >&2; exit 1; }
token="$(field token)"
counts="$(curl -s "$base_url/sim/counts")"
live_tickets="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["tickets"])' "$counts")"
deleted_tickets="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["deleted_tickets"])' "$counts")"
users="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["users"])' "$counts")"
live_comments="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["comments"])' "$counts")"

cat >"$work/config.json" <<JSON
{"subdomain": "unidesk-sim", "start_date": "2000-01-01T00:00:00Z", "access_token": "$token", "request_timeout": 60}
JSON
export ZSIM_BASE_URL="$base_url"
py="$venv/bin/python"
"$py" "$here/run_tap.py" --config "$work/config.json" --discover >"$work/catalog.all.json" 2>"$work/discover.err" \
  || { tail -20 "$work/discover.err" >&2; exit 1; }
streams="tickets users"
[ "$comments" -eq 1 ] && streams="$streams ticket_comments"
"$py" "$here/select_streams.py" $streams <"$work/catalog.all.json" >"$work/catalog.json"

start=$(date +%s.%N)
/usr/bin/time -v "$py" "$here/run_tap.py" --config "$work/config.json" --catalog "$work/catalog.json" \
  >"$work/records.jsonl" 2>"$work/sync.err" || { tail -30 "$work/sync.err" >&2; exit 1; }
end=$(date +%s.%N)

"$py" "$here/count_records.py" <"$work/records.jsonl" >"$work/counts.txt"
get() { sed -n "s/^$1: //p" "$work/counts.txt"; }
user_s="$(sed -n 's/^\s*User time (seconds): //p' "$work/sync.err")"
sys_s="$(sed -n 's/^\s*System time (seconds): //p' "$work/sync.err")"
rss_kb="$(sed -n 's/^\s*Maximum resident set size (kbytes): //p' "$work/sync.err")"

echo "simulator: tickets=$live_tickets deleted_tickets=$deleted_tickets users=$users comments=$live_comments (seed $seed)"
cat "$work/counts.txt"
echo "tap_wall_seconds: $(python3 -c "print(round($end - $start, 2))")"
echo "tap_cpu_seconds: $(python3 -c "print(round($user_s + $sys_s, 2))") (user $user_s, sys $sys_s)"
echo "tap_max_rss_kb: $rss_kb"

ok=1
emitted_live=$(( $(get records_tickets) - $(get deleted_tickets_emitted) ))
[ "$emitted_live" -eq "$live_tickets" ] || { echo "MISMATCH: live tickets $emitted_live != $live_tickets" >&2; ok=0; }
[ "$(get distinct_tickets)" -eq "$(get records_tickets)" ] || { echo "MISMATCH: a ticket came twice" >&2; ok=0; }
[ "$(get deleted_tickets_emitted)" -eq "$deleted_tickets" ] || { echo "MISMATCH: deleted tickets" >&2; ok=0; }
[ "$(get records_users)" -eq "$users" ] || { echo "MISMATCH: users $(get records_users) != $users" >&2; ok=0; }
[ "$(get distinct_users)" -eq "$users" ] || { echo "MISMATCH: a user came twice" >&2; ok=0; }
if [ "$comments" -eq 1 ]; then
  [ "$(get records_ticket_comments)" -eq "$live_comments" ] || { echo "MISMATCH: comments $(get records_ticket_comments) != $live_comments" >&2; ok=0; }
fi
if [ "$ok" -eq 1 ]; then echo "tap-zendesk: OK (every live ticket, every deleted ticket and every user exactly once)"; else exit 1; fi
