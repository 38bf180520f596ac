# Shared by the Singer-tap harnesses (scripts/tap-zendesk, scripts/tap-kustomer); sourced.

# singer_install PACKAGE VERSION VENV: installs PACKAGE==VERSION from PyPI into the virtualenv
# VENV, unless that version is there already.
singer_install() {
  local package="$1" version="$2" venv="$3" installed
  installed="$("$venv/bin/pip" show "$package" 2>/dev/null || true)"
  if [ ! -x "$venv/bin/$package" ] || ! grep -qx "Version: $version" <<<"$installed"; then
    echo "installing $package==$version into $venv" >&2
    mkdir -p "$(dirname "$venv")"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q "$package==$version"
  fi
}

# singer_cleanup: stops the simulator ($sim_pid, when set) and removes the work directory
# ($work) unless $keep_work is non-empty. For `trap singer_cleanup EXIT`.
singer_cleanup() {
  if [ -n "${sim_pid:-}" ]; then kill "$sim_pid" 2>/dev/null || true; wait "$sim_pid" 2>/dev/null || true; fi
  if [ -n "${keep_work:-}" ]; then echo "work dir kept: $work" >&2; else rm -rf "$work"; fi
}

# singer_time_figures FILE: the figures of /usr/bin/time -v's report in FILE, as
# "cpu wall rss_kb" (cpu = user + system seconds).
singer_time_figures() {
  python3 - "$1" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
g = lambda k: re.search(r"^\s*" + re.escape(k) + r": (.*)$", t, re.M).group(1).strip()
wall = 0.0
for part in g("Elapsed (wall clock) time (h:mm:ss or m:ss)").split(":"):
    wall = wall * 60 + float(part)
print(f'{float(g("User time (seconds)")) + float(g("System time (seconds)")):.2f} {wall:.2f} {g("Maximum resident set size (kbytes)")}')
PY
}
