# Shared by run.sh and compare-cpu.sh (sourced, with $here and $root set): the tap's virtualenv,
# the simulator, one tap run, and /usr/bin/time -v's figures.

# parse_args DEFAULT_CONVERSATIONS "$@": sets $conversations and $seed (default 42) from
# --conversations N and --seed S.
parse_args() {
  conversations="$1"; shift
  seed=42
  while [ $# -gt 0 ]; do
    case "$1" in
      --conversations) conversations="$2"; shift 2 ;;
      --seed) seed="$2"; shift 2 ;;
      *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
  done
}

cache="${UNIDESK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/unidesk}"
venv="$cache/tap-kustomer-venv"
version="${TAP_KUSTOMER_VERSION:-1.1.0}"
work="$(mktemp -d)"
sim_pid=""
# The streams tap-kustomer and unidesk both extract: all of the tap's but shortcuts, which
# neither unidesk nor the simulator has.
streams="conversations customers messages notes users teams tags kobjects"

keep_work="${KSIM_KEEP_WORK:-}"
# shellcheck source=../lib/singer.sh
source "$root/scripts/lib/singer.sh"

# Installs tap-kustomer==$version from PyPI into $venv, unless it is there already.
install_tap() {
  singer_install tap-kustomer "$version" "$venv"
}

# start_sim UNIDESK CONVERSATIONS SEED: `unidesk sim` in the background with a rate limit no
# run reaches (so neither client waits, and tap-kustomer never reads an exhausted
# x-ratelimit-remaining), then the ids it holds, through its list endpoints, into $work/sim.json.
start_sim() {
  "$1" sim --conversations "$2" --seed "$3" --rate-limit 1000000 >"$work/sim.out" 2>"$work/sim.err" &
  sim_pid=$!
  until grep -q '^read_only_key: ' "$work/sim.out" 2>/dev/null; do
    kill -0 "$sim_pid" 2>/dev/null || { echo "the simulator did not start" >&2; cat "$work/sim.err" >&2; exit 1; }
    sleep 0.1
  done
  base_url="$(sed -n 's/^base_url: //p' "$work/sim.out")"
  api_key="$(sed -n 's/^api_key: //p' "$work/sim.out")"
  KSIM_BASE_URL="$base_url" KSIM_API_KEY="$api_key" python3 "$here/sim_ids.py" >"$work/sim.json"
}

# Counts per collection of $work/sim.json, as `conversations=N customers=N …`.
sim_summary() {
  python3 -c 'import json,sys; print(" ".join(f"{k}={len(v)}" for k, v in json.load(open(sys.argv[1])).items()))' \
    "$work/sim.json"
}

# The tap's discovery, then its sync of $streams under /usr/bin/time -v: records in
# $work/records.jsonl, its log in $work/tap.err, the time figures in $work/tap.time.
run_tap() {
  cat >"$work/config.json" <<JSON
{"api_token": "$api_key", "start_date": "2000-01-01T00:00:00Z", "user_agent": "unidesk tap-kustomer harness"}
JSON
  local py="$venv/bin/python"
  KSIM_BASE_URL="$base_url" "$py" "$here/run_tap.py" --config "$work/config.json" --discover \
    >"$work/catalog.all.json" 2>"$work/discover.err" || { tail -20 "$work/discover.err" >&2; exit 1; }
  # shellcheck disable=SC2086
  "$py" "$root/scripts/tap-zendesk/select_streams.py" $streams <"$work/catalog.all.json" >"$work/catalog.json"
  KSIM_BASE_URL="$base_url" /usr/bin/time -v -o "$work/tap.time" \
    "$py" "$here/run_tap.py" --config "$work/config.json" --catalog "$work/catalog.json" \
    >"$work/records.jsonl" 2>"$work/tap.err" || { tail -30 "$work/tap.err" >&2; exit 1; }
}

# The tap's HTTP requests by method and path (run_tap.py counts them), on one line.
tap_requests() {
  sed -n 's/^run_tap: requests: //p' "$work/tap.err" | paste -sd, - | sed 's/,/, /g'
}

