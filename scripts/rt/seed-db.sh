#!/usr/bin/env bash
# seed-db.sh: add N tickets to an RT started by start-rt.sh by writing its SQLite database
# directly (seed-db.pl: RT's own rows for a ticket created through REST, one transaction), then
# ask the running server, through REST 2.0, how many of them it lists.
#
# Usage: seed-db.sh DIR N [--requestors K] [--queue NAME]
#   DIR  the "dir:" start-rt.sh printed; N tickets are added after any already there.
#   Options go to seed-db.pl (see its header): statuses new/open/stalled/resolved/rejected in
#   turn, priorities 0/50/100/200, requestors seed-<i mod K>@example.com (default K = 10).
# Thousands of tickets a second, where seed-tickets.sh (REST) makes a few: use this one for
# scale (the perf bench's 10k/100k memory figures), seed-tickets.sh for RT's own behaviour
# (scrips, autoreplies, deleted tickets, status-change transactions).
# Prints seed-db.pl's "key: value" lines, then "listed: M", RT's REST total for the new id range
# (DIR/rt.env says where the server is); exits 1 if that is not N. A stopped instance can be
# seeded too ("listed: ?"); start it with start-rt.sh --dir DIR afterwards.
# Needs only RT's packages (perl, DBD::SQLite).
set -euo pipefail

DIR="${1:?usage: seed-db.sh DIR N [--requestors K] [--queue NAME]}"
N="${2:?usage: seed-db.sh DIR N [--requestors K] [--queue NAME]}"
shift 2
HERE=$(cd "$(dirname "$0")" && pwd)

out=$(perl "$HERE/seed-db.pl" "$DIR" "$N" "$@" 2> >(grep -v 'internal HTML converter' >&2))
echo "$out"
[ "$N" -gt 0 ] || exit 0
first=$(sed -n 's/^first_id: //p' <<<"$out")
last=$(sed -n 's/^last_id: //p' <<<"$out")

[ -f "$DIR/rt.env" ] || exit 0
# shellcheck disable=SC1091
. "$DIR/rt.env"
# RT's own count, through REST 2.0 (core Perl's HTTP::Tiny: no curl needed).
listed=$(RT_REST_URL="$RT_REST_URL" RT_TOKEN="$RT_TOKEN" perl -MHTTP::Tiny -e '
  my ($first, $last) = @ARGV;
  my $q = HTTP::Tiny->new->www_form_urlencode({ query => "id >= $first AND id <= $last", per_page => 1 });
  my $r = HTTP::Tiny->new(timeout => 120)->get("$ENV{RT_REST_URL}/tickets?$q",
      { headers => { Authorization => "token $ENV{RT_TOKEN}" } });
  print $r->{success} ? ($r->{content} =~ /"total"\s*:\s*(\d+)/ ? $1 : "?") : "";
' "$first" "$last")
[ -n "$listed" ] || { echo "listed: ? (no server answers at $RT_REST_URL; start it to list them)"; exit 0; }
echo "listed: $listed"
[ "$listed" = "$N" ] || { echo "seed-db: RT at $RT_REST_URL lists $listed of the $N tickets inserted" >&2; exit 1; }
