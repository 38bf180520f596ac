"""Marks the given streams selected in a tap-zendesk catalog (stdin to stdout)."""

import json
import sys

wanted = set(sys.argv[1:])
catalog = json.load(sys.stdin)
for stream in catalog["streams"]:
    for entry in stream["metadata"]:
        if entry["breadcrumb"] == []:
            entry["metadata"]["selected"] = stream["tap_stream_id"] in wanted
missing = wanted - {s["tap_stream_id"] for s in catalog["streams"]}
if missing:
    sys.exit("streams not in the catalog: " + ", ".join(sorted(missing)))
json.dump(catalog, sys.stdout, indent=1)
