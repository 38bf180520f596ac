"""Compares the records tap-kustomer emitted (and, optionally, what the unidesk CLI listed) with
the ids the simulator holds (sim_ids.py), stream by stream, as sets of ids.

    python3 check_records.py --sim sim.json --tap records.jsonl [--unidesk DIR]

--tap: the tap's Singer output (RECORD messages of the streams conversations, customers,
messages, notes, users, teams, tags, kobjects). tap-kustomer pages its search streams by asking again
from the last record's updatedAt (`gte`), so records at page boundaries come twice: it is the
distinct ids that must equal the simulator's, and the repeats are reported.
--unidesk: a folder of the CLI's JSONL output, one file per resource (tickets, contacts,
comments, users, teams, tags, kobjects); comments are messages and notes together, kobjects
those of every klass.

Prints `tap.<stream>: <records> records, <distinct> distinct` (and `unidesk.<resource>: …`)
lines, then `sim_ids: …`; exits 1, naming each difference, when a set differs.
"""

import argparse
import json
import os
import sys

STREAMS = ["conversations", "customers", "messages", "notes", "users", "teams", "tags", "kobjects"]
# unidesk resource -> the simulator collections it lists
UNIDESK = {"tickets": ["conversations"], "contacts": ["customers"], "comments": ["messages", "notes"],
           "users": ["users"], "teams": ["teams"], "tags": ["tags"], "kobjects": ["kobjects"]}

ap = argparse.ArgumentParser()
ap.add_argument("--sim", required=True)
ap.add_argument("--tap", required=True)
ap.add_argument("--unidesk")
args = ap.parse_args()

sim = {k: set(v) for k, v in json.load(open(args.sim)).items()}
problems = []


def compare(label, got, want):
    if got != want:
        missing, extra = len(want - got), len(got - want)
        problems.append(f"{label}: {len(got)} distinct ids, the simulator holds {len(want)} "
                        f"({missing} missing, {extra} not in the simulator)")


tap_records, tap_ids = {s: 0 for s in STREAMS}, {s: set() for s in STREAMS}
with open(args.tap) as f:
    for line in f:
        if not line.startswith("{"):
            continue
        msg = json.loads(line)
        if msg.get("type") != "RECORD":
            continue
        stream = msg["stream"]
        if stream not in tap_ids:
            problems.append(f"tap: unexpected stream {stream}")
            continue
        tap_records[stream] += 1
        tap_ids[stream].add(msg["record"].get("id"))
for s in STREAMS:
    n, d = tap_records[s], len(tap_ids[s])
    print(f"tap.{s}: {n} records, {d} distinct, {n - d} repeated")
    compare(f"tap {s}", tap_ids[s], sim[s])

if args.unidesk:
    for res, colls in UNIDESK.items():
        ids = []
        with open(os.path.join(args.unidesk, res + ".jsonl")) as f:
            ids = [json.loads(line)["id"] for line in f if line.strip()]
        print(f"unidesk.{res}: {len(ids)} records, {len(set(ids))} distinct, {len(ids) - len(set(ids))} repeated")
        if len(ids) != len(set(ids)):
            problems.append(f"unidesk {res}: {len(ids) - len(set(ids))} records listed twice")
        compare(f"unidesk {res}", set(ids), set().union(*(sim[c] for c in colls)))

print("sim_ids: " + ", ".join(f"{c}={len(sim[c])}" for c in STREAMS))
for p in problems:
    print("MISMATCH: " + p, file=sys.stderr)
sys.exit(1 if problems else 0)
