#!/usr/bin/env bash
# start-rt.sh: start a throwaway Request Tracker 5 server (Debian 12 packages,
# SQLite database in its own directory) on 127.0.0.1, with REST 2.0 enabled.
#
# Usage: start-rt.sh [--port N] [--dir DIR] [--workers N] [--password PW]
#                    [--no-install] [--timeout SECS] [--bcrypt-cost N]
#                    [--install-only]
#   --port     TCP port on 127.0.0.1 (default: a free port chosen at random)
#   --dir      instance directory (default: a new mktemp -d under $TMPDIR or /tmp);
#              if DIR/rt.db already exists, that database is reused (no init)
#   --workers  Starlet worker processes (default 4)
#   --password password for RT's "root" user (default: password)
#   --no-install  fail instead of running apt-get when packages are missing
#   --timeout  seconds to wait for REST2 to answer (default 60)
#   --bcrypt-cost  RT's $BcryptCost for this instance (default: RT's own, 12).
#              Every REST2 request checks its token or password with bcrypt: at 12
#              that is ~250 ms per request; test suites use 4 (~2 ms).
#   --install-only  install the packages when missing, then exit (for CI images)
# Environment fallbacks: RT_PORT, RT_DIR, RT_WORKERS, RT_ROOT_PASSWORD, RT_BCRYPT_COST.
#
# On success prints "key: value" lines (base_url, rest_url, token, user,
# password, pid, dir, log) on stdout, writes the same to DIR/rt.info and a
# shell-sourceable DIR/rt.env, and exits 0 leaving the server running.
# Stop it with: stop-rt.sh PID   (or stop-rt.sh DIR; add --rm to delete DIR).
# Needs no systemd, apache or prompts. Works as root or as any user that can
# write DIR (installing packages needs root).
set -euo pipefail

PORT="${RT_PORT:-}"
DIR="${RT_DIR:-}"
WORKERS="${RT_WORKERS:-4}"
PASSWORD="${RT_ROOT_PASSWORD:-password}"
BCRYPT_COST="${RT_BCRYPT_COST:-}"
INSTALL=1
INSTALL_ONLY=0
TIMEOUT=60
PKGS=(request-tracker5 rt5-db-sqlite rt5-standalone)
RT_SERVER=/usr/share/request-tracker5/libexec/rt-server
RT_SETUP_DB=/usr/sbin/rt-setup-database-5
RT_LIB=/usr/share/request-tracker5/lib

die() { echo "start-rt: $*" >&2; exit 1; }
log() { echo "start-rt: $*" >&2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --port) PORT="$2"; shift 2 ;;
    --dir) DIR="$2"; shift 2 ;;
    --workers) WORKERS="$2"; shift 2 ;;
    --password) PASSWORD="$2"; shift 2 ;;
    --no-install) INSTALL=0; shift ;;
    --timeout) TIMEOUT="$2"; shift 2 ;;
    --bcrypt-cost) BCRYPT_COST="$2"; shift 2 ;;
    --install-only) INSTALL_ONLY=1; shift ;;
    -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
    *) die "unknown argument: $1" ;;
  esac
done
case "$BCRYPT_COST" in ''|[4-9]|[12][0-9]|3[01]) ;; *) die "bad --bcrypt-cost: $BCRYPT_COST (4-31)" ;; esac
[ "${#PASSWORD}" -ge 5 ] || die "password must be at least 5 characters (RT's MinimumPasswordLength)"

# ---------------------------------------------------------------- packages
pkgs_missing() {
  local p st
  for p in "${PKGS[@]}"; do
    st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [ "$st" = installed ] || return 0
  done
  [ -x "$RT_SERVER" ] && [ -x "$RT_SETUP_DB" ] && return 1
  return 0
}

if pkgs_missing; then
  [ "$INSTALL" = 1 ] || die "packages missing: ${PKGS[*]} (and --no-install given)"
  SUDO=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "packages missing and not root: apt-get install ${PKGS[*]}"
    SUDO="sudo -n"
  fi
  export DEBIAN_FRONTEND=noninteractive
  APT_INSTALL=(apt-get install -y -q --no-install-recommends -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${PKGS[@]}")
  t0=$(date +%s)
  # apt-get update only when there are no package lists or the install fails.
  if ! ls /var/lib/apt/lists/*_Packages* >/dev/null 2>&1; then
    log "apt-get update"; $SUDO apt-get update -q >&2
  fi
  log "apt-get install ${PKGS[*]}"
  if ! $SUDO "${APT_INSTALL[@]}" >&2; then
    log "install failed; apt-get update and retry"
    $SUDO apt-get update -q >&2
    $SUDO "${APT_INSTALL[@]}" >&2
  fi
  log "packages installed in $(( $(date +%s) - t0 ))s"
  pkgs_missing && die "packages still missing after apt-get install"
fi
if [ "$INSTALL_ONLY" = 1 ]; then
  log "packages present: ${PKGS[*]}"
  exit 0
fi

# ---------------------------------------------------------------- port, dir
t_start=$(date +%s.%N)
if [ -z "$PORT" ]; then
  PORT=$(perl -MIO::Socket::INET -e '
    my $s = IO::Socket::INET->new(Listen => 1, LocalAddr => "127.0.0.1", LocalPort => 0, ReuseAddr => 1)
      or die "no free port: $!\n";
    print $s->sockport, "\n";')
fi
case "$PORT" in ''|*[!0-9]*) die "bad port: $PORT" ;; esac
if perl -MIO::Socket::INET -e 'exit(IO::Socket::INET->new(PeerAddr => "127.0.0.1", PeerPort => $ARGV[0], Timeout => 1) ? 0 : 1)' "$PORT"; then
  die "port $PORT on 127.0.0.1 is already in use"
fi

if [ -z "$DIR" ]; then
  DIR=$(mktemp -d "${TMPDIR:-/tmp}/rt5.XXXXXX")
else
  mkdir -p "$DIR"
fi
DIR=$(cd "$DIR" && pwd -P)
case "$DIR" in *"'"*|*'\'*) die "instance dir must not contain quotes or backslashes: $DIR" ;; esac
mkdir -p "$DIR/RT_SiteConfig.d" "$DIR/mason_data" "$DIR/session_data" "$DIR/var"
touch "$DIR/.rt-test-instance"   # marker checked by stop-rt.sh --rm
BASE_URL="http://127.0.0.1:$PORT"

# RT reads RT_SITE_CONFIG instead of /etc/request-tracker5/RT_SiteConfig.pm and
# RT_SITE_CONFIG_DIR instead of /etc/request-tracker5/RT_SiteConfig.d (which
# points at the system-wide dbconfig-common database), so nothing system-wide
# is read or written.
EXTRA_CONFIG=""
if [ -n "$BCRYPT_COST" ]; then
  EXTRA_CONFIG="# cost of the bcrypt check every REST2 request makes (RT's default is 12)
Set(\$BcryptCost, $BCRYPT_COST);"
fi
cat > "$DIR/RT_SiteConfig.pm" <<EOF
# Generated by start-rt.sh: throwaway test instance.
Set(\$rtname, 'rt.test');
Set(\$Organization, 'rt.test');
Set(\$Timezone, 'UTC');
Set(\$DatabaseType, 'SQLite');
Set(\$DatabaseName, '$DIR/rt.db');
Set(\$WebDomain, '127.0.0.1');
Set(\$WebPort, $PORT);
Set(\$WebPath, '');
Set(\$WebBaseURL, '$BASE_URL');
Set(\$CorrespondAddress, 'rt\@rt.test');
Set(\$CommentAddress, 'rt-comment\@rt.test');
# outgoing mail (autoreplies etc.) goes to an mbox file under var/, not to the MTA
Set(\$MailCommand, 'mbox');
Set(\$LogToSTDERR, 'warning');
Set(\$LogToSyslog, undef);
Set(\$LogToFile, undef);
${EXTRA_CONFIG}
\$RT::VarPath         = '$DIR/var';
\$RT::MasonDataDir    = '$DIR/mason_data';
\$RT::MasonSessionDir = '$DIR/session_data';
1;
EOF
export RT_SITE_CONFIG="$DIR/RT_SiteConfig.pm"
export RT_SITE_CONFIG_DIR="$DIR/RT_SiteConfig.d"
cd "$DIR"

# ---------------------------------------------------------------- database
if [ ! -s "$DIR/rt.db" ]; then
  umask 077
  printf '%s\n' "$PASSWORD" > "$DIR/.root-password"
  umask 022
  if ! "$RT_SETUP_DB" --action init --skip-create --root-password-file "$DIR/.root-password" \
       < /dev/null > "$DIR/setup-database.log" 2>&1; then
    cat "$DIR/setup-database.log" >&2
    die "rt-setup-database failed"
  fi
  rm -f "$DIR/.root-password"
fi

# ---------------------------------------------------------------- server
# setsid: own session/process group, so stop-rt.sh can signal the whole group.
( exec setsid "$RT_SERVER" --host 127.0.0.1 --port "$PORT" --max-workers "$WORKERS" \
    < /dev/null > "$DIR/rt-server.log" 2>&1 ) &
PID=$!
echo "$PID" > "$DIR/rt-server.pid"

# Auth token for root, created directly through RT's API while the server boots.
TOKEN=$(perl -I"$RT_LIB" -e '
  use strict; use warnings;
  use RT -init;
  my $user = RT::User->new(RT->SystemUser);
  $user->Load("root"); die "no root user\n" unless $user->Id;
  my $token = RT::AuthToken->new(RT::CurrentUser->new($user));
  my ($id, $msg, $auth) = $token->Create(Owner => $user->Id, Description => "test suite");
  die "token create failed: $msg\n" unless $id;
  print "$auth\n";' 2> "$DIR/token.log") || { cat "$DIR/token.log" >&2; kill -TERM -- "-$PID" 2>/dev/null || true; die "could not create auth token"; }

# Wait for REST2 to answer an authenticated request.
ok=0
deadline=$(( $(date +%s) + TIMEOUT ))
while [ "$(date +%s)" -lt "$deadline" ]; do
  st=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$PID/status" 2>/dev/null || true)
  if [ -z "$st" ] || [ "$st" = Z ]; then
    tail -n 30 "$DIR/rt-server.log" >&2; die "rt-server exited during startup"
  fi
  if perl -MHTTP::Tiny -e '
       my $r = HTTP::Tiny->new(timeout => 2)->get($ARGV[0],
                 { headers => { Authorization => "token $ARGV[1]" } });
       exit($r->{status} == 200 ? 0 : 1)' "$BASE_URL/REST/2.0/queues/all" "$TOKEN" 2>/dev/null; then
    ok=1; break
  fi
  sleep 0.2
done
if [ "$ok" != 1 ]; then
  tail -n 30 "$DIR/rt-server.log" >&2
  kill -TERM -- "-$PID" 2>/dev/null || true
  die "REST2 did not answer within ${TIMEOUT}s"
fi
elapsed=$(perl -e 'printf "%.1f", $ARGV[1] - $ARGV[0]' "$t_start" "$(date +%s.%N)")

INFO="base_url: $BASE_URL
rest_url: $BASE_URL/REST/2.0
token: $TOKEN
user: root
password: $PASSWORD
pid: $PID
dir: $DIR
log: $DIR/rt-server.log
startup_seconds: $elapsed"
printf '%s\n' "$INFO" > "$DIR/rt.info"
{
  printf 'RT_BASE_URL=%q\n' "$BASE_URL"
  printf 'RT_REST_URL=%q\n' "$BASE_URL/REST/2.0"
  printf 'RT_TOKEN=%q\n' "$TOKEN"
  printf 'RT_USER=root\n'
  printf 'RT_PASSWORD=%q\n' "$PASSWORD"
  printf 'RT_PID=%q\n' "$PID"
  printf 'RT_DIR=%q\n' "$DIR"
} > "$DIR/rt.env"
printf '%s\n' "$INFO"
