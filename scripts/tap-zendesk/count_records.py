"""Counts a Singer stream's RECORD messages (stdin): per stream, distinct ids, deleted tickets."""

import json
import sys

records, ids, deleted = {}, {}, 0
for line in sys.stdin:
    line = line.strip()
    if not line.startswith("{"):
        continue
    msg = json.loads(line)
    if msg.get("type") != "RECORD":
        continue
    stream, rec = msg["stream"], msg["record"]
    records[stream] = records.get(stream, 0) + 1
    ids.setdefault(stream, set()).add(rec.get("id"))
    if stream == "tickets" and rec.get("status") == "deleted":
        deleted += 1
for stream in sorted(records):
    print(f"records_{stream}: {records[stream]}")
    print(f"distinct_{stream}: {len(ids[stream])}")
print(f"deleted_tickets_emitted: {deleted}")
