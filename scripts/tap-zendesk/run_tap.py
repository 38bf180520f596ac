"""Runs the installed tap-zendesk against a Zendesk-shaped server at ZSIM_BASE_URL.

Only where requests go is changed; what the tap requests and how it reads the answers is not:

1. tap_zendesk.streams hard-codes 'https://{}.zendesk.com/api/v2/...' as the class attribute
   `endpoint` of its hand-written streams and fills the subdomain with str.format. Each such
   attribute is rewritten to ZSIM_BASE_URL + the same path; a remaining '{}' (the ticket id of
   the audits endpoint) becomes '{1}', so str.format(subdomain, ticket_id) still fills it.
2. zenpy (organizations, user_fields, organization_fields, search, ...) builds
   'https://{subdomain}.zendesk.com'; its own ZENPY_FORCE_NETLOC and ZENPY_FORCE_SCHEME
   environment variables point it at ZSIM_BASE_URL's host and scheme.
3. Unless ZSIM_KEEP_THROTTLE=1, the tap's built-in pause (about 62 s after every 460 tickets,
   AUDITS_REQUEST_PER_MINUTE, meant for the audits endpoint's limit) is disabled by raising
   that constant; it sleeps without sending anything, so no request changes.

Everything else (arguments, config, catalog, output) is tap-zendesk's own.
"""

import os
import sys
from urllib.parse import urlsplit

base = os.environ["ZSIM_BASE_URL"].rstrip("/")
parts = urlsplit(base)
os.environ["ZENPY_FORCE_NETLOC"] = parts.netloc
os.environ["ZENPY_FORCE_SCHEME"] = parts.scheme

import tap_zendesk  # noqa: E402
import tap_zendesk.streams as streams  # noqa: E402

PREFIX = "https://{}.zendesk.com"
patched = []
for cls in streams.STREAMS.values():
    endpoint = cls.__dict__.get("endpoint")
    if isinstance(endpoint, str) and endpoint.startswith(PREFIX):
        rest = endpoint[len(PREFIX):].replace("{}", "{1}")
        cls.endpoint = base.replace("{", "{{").replace("}", "}}") + rest
        patched.append(cls.__name__)
if os.environ.get("ZSIM_KEEP_THROTTLE") != "1":
    streams.AUDITS_REQUEST_PER_MINUTE = 10**12
print("run_tap: endpoints patched on " + ", ".join(sorted(patched)), file=sys.stderr)

tap_zendesk.main()
