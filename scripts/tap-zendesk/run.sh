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
# shellcheck source=lib.sh
source "$here/lib.sh"
trap singer_cleanup EXIT

singer_install tap-zendesk "$version" "$venv"
start_sim --tickets "$tickets" --seed "$seed"
live_tickets="$(count tickets)"
deleted_tickets="$(count deleted_tickets)"
users="$(count users)"
live_comments="$(count comments)"

streams="tickets users"
[ "$comments" -eq 1 ] && streams="$streams ticket_comments"
# shellcheck disable=SC2086
select_streams $streams

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
