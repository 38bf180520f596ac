#!/usr/bin/env bash
# Runs Singer's tap-kustomer (from PyPI) against the unidesk Kustomer simulator and checks that
# it extracts every record the simulator holds in the streams both sides know. See README.md.
#
#   scripts/tap-kustomer/run.sh [--conversations N] [--seed S]      (default 1500 conversations, seed 42)
#
# Env: UNIDESK_CACHE (venv location, default ${XDG_CACHE_HOME:-~/.cache}/unidesk),
#      TAP_KUSTOMER_VERSION (default 1.1.0), CARGO_TARGET_DIR (honoured by cargo),
#      KSIM_KEEP_WORK=1 keeps the work directory (config, catalog, records, logs).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# shellcheck source=lib.sh
. "$here/lib.sh"
trap singer_cleanup EXIT
parse_args 1500 "$@"

install_tap
(cd "$root" && cargo build -q -p unidesk-cli)
start_sim "${CARGO_TARGET_DIR:-$root/target}/debug/unidesk" "$conversations" "$seed"
run_tap

echo "simulator: $(sim_summary) (seed $seed)"
read -r cpu wall rss <<<"$(singer_time_figures "$work/tap.time")"
echo "tap_requests: $(tap_requests)"
echo "tap_wall_seconds: $wall"
echo "tap_cpu_seconds: $cpu"
echo "tap_max_rss_kb: $rss"
python3 "$here/check_records.py" --sim "$work/sim.json" --tap "$work/records.jsonl"
echo "tap-kustomer: OK (every record of $streams, and no other)"
