"""The ids a Kustomer-shaped server holds, read through its list endpoints (not the search API
tap-kustomer uses): every page of GET /v1/<collection>, following links.next until it is null.

    KSIM_BASE_URL=http://127.0.0.1:PORT KSIM_API_KEY=... python3 sim_ids.py > sim.json

Writes {"<collection>": [id, ...]} for conversations, customers, messages, notes, users, teams,
tags, and kobjects (GET /v1/klasses/<name> for each klass GET /v1/klasses lists); deleted
records are in no listing, as on Kustomer. Exits 1 when a listing repeats an id.
"""

import json
import os
import sys
import urllib.request

BASE = os.environ["KSIM_BASE_URL"].rstrip("/")
KEY = os.environ["KSIM_API_KEY"]
# The largest page each list endpoint serves (Kustomer: 500 for users and teams, else 100).
COLLECTIONS = {"conversations": 100, "customers": 100, "messages": 100, "notes": 100,
               "users": 500, "teams": 500, "tags": 100}


def get(path):
    req = urllib.request.Request(BASE + path, headers={"Authorization": "Bearer " + KEY,
                                                      "Accept": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as resp:
        return json.load(resp)


def walk(path):
    """Every record of a page-numbered listing, following links.next."""
    records = []
    while path:
        body = get(path)
        records.extend(body["data"])
        path = body["links"]["next"]
    return records


out, ok = {}, True


def keep(name, ids):
    global ok
    if len(set(ids)) != len(ids):
        print(f"sim_ids: {name} listed {len(ids) - len(set(ids))} ids twice", file=sys.stderr)
        ok = False
    out[name] = sorted(set(ids))


for coll, size in COLLECTIONS.items():
    keep(coll, [r["id"] for r in walk(f"/v1/{coll}?page=1&pageSize={size}")])
klasses = [k["attributes"]["name"] for k in walk("/v1/klasses?page=1&pageSize=100")]
keep("kobjects", [r["id"] for k in klasses for r in walk(f"/v1/klasses/{k}?page=1&pageSize=100")])
json.dump(out, sys.stdout)
sys.exit(0 if ok else 1)
