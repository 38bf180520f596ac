#!/usr/bin/env bash
# CPU of Singer's tap-kustomer versus the release `unidesk` CLI, extracting the same records
# (conversations, customers, messages, notes, users, teams, tags, KObjects) from ONE Kustomer
# simulator. See README.md.
#
#   scripts/tap-kustomer/compare-cpu.sh [--conversations N] [--seed S]   (default 10000, seed 42)
#
# Prints `kustomer.*` lines: each side's records, CPU seconds (user + system, from
# /usr/bin/time -v), wall seconds and peak RSS, and kustomer.cpu_ratio_tap_over_unidesk.
# Exits 1 unless both sides extracted exactly the ids the simulator's list endpoints hold.
#
# Env: UNIDESK_CACHE, TAP_KUSTOMER_VERSION, CARGO_TARGET_DIR, KSIM_KEEP_WORK (as run.sh).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# shellcheck source=lib.sh
. "$here/lib.sh"
trap singer_cleanup EXIT
parse_args 10000 "$@"

install_tap
(cd "$root" && cargo build -q --release -p unidesk-cli)
unidesk="${CARGO_TARGET_DIR:-$root/target}/release/unidesk"
start_sim "$unidesk" "$conversations" "$seed"

# ---- tap-kustomer: its search streams (POST /v1/customers/search, 500 a page, `gte` the
# start date: conversations, customers, messages, notes, kobjects) and its GET streams (users,
# teams, tags).
run_tap
read -r tap_cpu tap_wall tap_rss <<<"$(singer_time_figures "$work/tap.time")"

# ---- unidesk: the same records the same way: records updated since the tap's start date,
# which the adapter reads from the same search API at the same page size (users, teams and
# tags from their list endpoints, as the tap does), one process per resource; KObjects klass
# by klass (`kustomer klasses list`, then `kustomer kobjects list <klass>`), as the CLI lists them.
since="2000-01-01T00:00:00Z"
mkdir -p "$work/unidesk"
u_cpu=0; u_wall=0; u_rss=0; u_rss_of=""
unidesk_run() { # name, then the command's arguments; its records go to $work/unidesk/<name>.jsonl
  local name="$1"; shift
  /usr/bin/time -v -o "$work/$name.time" "$unidesk" --provider kustomer --base-url "$base_url" --token "$api_key" \
    "$@" --format jsonl >"$work/unidesk/$name.jsonl" 2>"$work/$name.err" || { tail -20 "$work/$name.err" >&2; exit 1; }
  local c w r
  read -r c w r <<<"$(singer_time_figures "$work/$name.time")"
  u_cpu="$(python3 -c "print(f'{$u_cpu + $c:.2f}')")"
  u_wall="$(python3 -c "print(f'{$u_wall + $w:.2f}')")"
  if [ "$r" -gt "$u_rss" ]; then u_rss="$r"; u_rss_of="$name"; fi
}
for res in tickets contacts comments users teams tags; do
  unidesk_run "$res" "$res" list --all --updated-after "$since" --page-size 500
done
unidesk_run klasses kustomer klasses list --all
: >"$work/unidesk/kobjects.jsonl"
for klass in $(python3 -c 'import json,sys; [print(json.loads(l)["name"]) for l in open(sys.argv[1])]' "$work/unidesk/klasses.jsonl"); do
  unidesk_run "kobjects-$klass" kustomer kobjects list "$klass" --all --page-size 100
  cat "$work/unidesk/kobjects-$klass.jsonl" >>"$work/unidesk/kobjects.jsonl"
done

echo "kustomer.simulator: $(sim_summary) (seed $seed, unidesk sim --rate-limit 1000000)"
ok=0
python3 "$here/check_records.py" --sim "$work/sim.json" --tap "$work/records.jsonl" --unidesk "$work/unidesk" \
  >"$work/check.out" || ok=$?
sed 's/^/kustomer./' "$work/check.out"
echo "kustomer.tap.requests: $(tap_requests)"
echo "kustomer.tap.cpu_seconds: $tap_cpu"
echo "kustomer.tap.wall_seconds: $tap_wall"
echo "kustomer.tap.max_rss_kb: $tap_rss"
echo "kustomer.unidesk.cpu_seconds: $u_cpu"
echo "kustomer.unidesk.wall_seconds: $u_wall"
echo "kustomer.unidesk.max_rss_kb: $u_rss ($u_rss_of)"
echo "kustomer.cpu_ratio_tap_over_unidesk: $(python3 -c "print(f'{$tap_cpu / max($u_cpu, 0.01):.1f}')")"
exit "$ok"
