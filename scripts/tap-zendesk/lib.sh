# Shared by run.sh and compare-cpu.sh (sourced, with $here and $root set): the tap's
# virtualenv, the Zendesk simulator, and the tap's discovery and stream selection.

cache="${UNIDESK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/unidesk}"
venv="$cache/tap-zendesk-venv"
version="${TAP_ZENDESK_VERSION:-2.8.2}"
target="${CARGO_TARGET_DIR:-$root/target}"
py="$venv/bin/python"
work="$(mktemp -d)"
sim_pid=""
keep_work="${ZSIM_KEEP_WORK:-}"
# shellcheck source=../lib/singer.sh
source "$root/scripts/lib/singer.sh"

# start_sim ARGS…: the simulator example (built first) in the background with ARGS, waited for
# up to 30 s; sets $base_url, $email, $token and $counts (its /sim/counts JSON).
start_sim() {
  (cd "$root" && cargo build -q -p unidesk-zendesk-sim --example serve)
  "$target/debug/examples/serve" "$@" >"$work/sim.out" 2>"$work/sim.err" &
  sim_pid=$!
  for _ in $(seq 1 300); do
    grep -q '^users: ' "$work/sim.out" 2>/dev/null && break
    sleep 0.1
  done
  base_url="$(sim_field base_url)"
  [ -n "$base_url" ] || { echo "the simulator did not start" >&2; cat "$work/sim.err" >&2; exit 1; }
  email="$(sim_field email)"
  token="$(sim_field token)"
  counts="$(curl -s "$base_url/sim/counts")"
}

# sim_field NAME: a `NAME: value` line the simulator printed.
sim_field() { sed -n "s/^$1: //p" "$work/sim.out"; }

# count NAME: one figure of the simulator's counts (tickets, deleted_tickets, users, comments).
count() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$counts" "$1"; }

# select_streams STREAM…: the tap's config and its discovered catalog with STREAM… selected,
# in $work/config.json and $work/catalog.json.
select_streams() {
  cat >"$work/config.json" <<JSON
{"subdomain": "unidesk-sim", "start_date": "2000-01-01T00:00:00Z", "access_token": "$token", "request_timeout": 60}
JSON
  export ZSIM_BASE_URL="$base_url"
  "$py" "$here/run_tap.py" --config "$work/config.json" --discover >"$work/catalog.all.json" 2>"$work/discover.err" \
    || { tail -20 "$work/discover.err" >&2; exit 1; }
  "$py" "$here/select_streams.py" "$@" <"$work/catalog.all.json" >"$work/catalog.json"
}
