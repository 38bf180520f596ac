#!/usr/bin/env bash
# CPU of Singer's tap-zendesk versus the release `unidesk` CLI, extracting the same records
# (every ticket, deleted ones included, and every user) from ONE Zendesk simulator. See README.md.
#
#   scripts/tap-zendesk/compare-cpu.sh [--tickets N] [--seed S]     (default 10000 tickets, seed 42)
#
# Prints `name: value` lines: records and CPU seconds (user + system, from /usr/bin/time -v) of
# each side, and zendesk.cpu_ratio_tap_over_unidesk. The simulator runs with --no-limits, so
# neither side waits on a 429 (CPU is what is compared; wall times are printed for context).
# Exits 1 when the two sides did not extract the same number of tickets and users.
#
# Env: UNIDESK_CACHE (venv location, default ${XDG_CACHE_HOME:-~/.cache}/unidesk),
#      TAP_ZENDESK_VERSION (default 2.8.2), CARGO_TARGET_DIR (honoured by cargo),
#      ZSIM_KEEP_WORK=1 keeps the work directory.
set -euo pipefail

tickets=10000
seed=42
while [ $# -gt 0 ]; do
  case "$1" in
    --tickets) tickets="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# shellcheck source=lib.sh
source "$here/lib.sh"
trap singer_cleanup EXIT

singer_install tap-zendesk "$version" "$venv"
(cd "$root" && cargo build -q --release -p unidesk-cli)
unidesk="$target/release/unidesk"
start_sim --tickets "$tickets" --seed "$seed" --no-limits
live_tickets="$(count tickets)"
deleted_tickets="$(count deleted_tickets)"
users="$(count users)"

# ---- tap-zendesk: tickets + users streams (the harness's patched entry point, see run.sh)
select_streams tickets users
/usr/bin/time -v "$py" "$here/run_tap.py" --config "$work/config.json" --catalog "$work/catalog.json" \
  >"$work/records.jsonl" 2>"$work/tap.err" || { tail -30 "$work/tap.err" >&2; exit 1; }
"$py" "$here/count_records.py" <"$work/records.jsonl" >"$work/tap.counts"
tap_tickets="$(sed -n 's/^records_tickets: //p' "$work/tap.counts")"
tap_users="$(sed -n 's/^records_users: //p' "$work/tap.counts")"
read -r tap_cpu tap_wall tap_rss <<<"$(singer_time_figures "$work/tap.err")"

# ---- unidesk: tickets, users (agents/admins) and contacts (end users), deleted or inactive
# ones included (the tap emits inactive users too).
# Deleted tickets come from the incremental export, which the client paces at Zendesk's 10
# requests a minute whatever the server says; pages of 1000 (the export's largest, as the tap
# asks) keep that to a few requests. The waits cost wall time, not CPU.
run_unidesk() { # name, then the command's arguments
  local name="$1"; shift
  /usr/bin/time -v "$unidesk" --provider zendesk --base-url "$base_url" --email "$email" --token "$token" "$@" \
    --format jsonl >"$work/$name.jsonl" 2>"$work/$name.err" || { tail -20 "$work/$name.err" >&2; exit 1; }
}
run_unidesk tickets tickets list --all --include-deleted --page-size 1000
run_unidesk users users list --all --include-deleted
run_unidesk contacts contacts list --all --include-deleted
u_tickets="$(wc -l <"$work/tickets.jsonl")"
u_users=$(( $(wc -l <"$work/users.jsonl") + $(wc -l <"$work/contacts.jsonl") ))
u_cpu=0; u_wall=0; u_rss=0
for n in tickets users contacts; do
  read -r c w r <<<"$(singer_time_figures "$work/$n.err")"
  u_cpu="$(python3 -c "print(round($u_cpu + $c, 2))")"
  u_wall="$(python3 -c "print(round($u_wall + $w, 2))")"
  [ "$r" -gt "$u_rss" ] && u_rss="$r"
done

echo "zendesk.simulator: tickets=$live_tickets deleted_tickets=$deleted_tickets users=$users (seed $seed, --no-limits)"
echo "zendesk.tap.records: $tap_tickets tickets, $tap_users users"
echo "zendesk.tap.cpu_seconds: $tap_cpu"
echo "zendesk.tap.wall_seconds: $tap_wall"
echo "zendesk.tap.max_rss_kb: $tap_rss"
echo "zendesk.unidesk.records: $u_tickets tickets, $u_users users"
echo "zendesk.unidesk.cpu_seconds: $u_cpu"
echo "zendesk.unidesk.wall_seconds: $u_wall"
echo "zendesk.unidesk.max_rss_kb: $u_rss"
echo "zendesk.cpu_ratio_tap_over_unidesk: $(python3 -c "print(f'{$tap_cpu / max($u_cpu, 0.01):.1f}')")"

ok=1
[ "$tap_tickets" -eq "$u_tickets" ] || { echo "MISMATCH: tickets tap=$tap_tickets unidesk=$u_tickets" >&2; ok=0; }
[ "$tap_users" -eq "$u_users" ] || { echo "MISMATCH: users tap=$tap_users unidesk=$u_users" >&2; ok=0; }
[ "$ok" -eq 1 ] || exit 1
