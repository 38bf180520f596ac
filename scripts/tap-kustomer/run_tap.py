"""Runs the installed tap-kustomer against a Kustomer-shaped server at KSIM_BASE_URL.

Only where requests go is changed; what the tap requests and how it reads the answers is not:

1. tap_kustomer.client.KustomerClient.__init__ hard-codes 'https://api.kustomerapp.com/v1' in
   the instance attribute `base_url`, from which the tap builds every URL (its token check and
   each stream's pages). The wrapper runs the tap's own __init__, then sets that one attribute
   to KSIM_BASE_URL + '/v1'.
2. requests.Session.request is wrapped to count the tap's HTTP requests by method and path
   (the request itself is passed on unchanged); the counts go to stderr at exit, as
   `run_tap: requests: <n> <METHOD> <path>` lines.

Everything else (arguments, config, catalog, output) is tap-kustomer's own.
"""

import atexit
import collections
import os
import sys
from urllib.parse import urlsplit

import requests

base = os.environ["KSIM_BASE_URL"].rstrip("/") + "/v1"

import tap_kustomer  # noqa: E402
from tap_kustomer.client import KustomerClient  # noqa: E402

_client_init = KustomerClient.__init__


def _init(self, *args, **kwargs):
    _client_init(self, *args, **kwargs)
    self.base_url = base


KustomerClient.__init__ = _init

calls = collections.Counter()
_send = requests.Session.request


def _counted(self, method, url, *args, **kwargs):
    calls[(method.upper(), urlsplit(url).path)] += 1
    return _send(self, method, url, *args, **kwargs)


requests.Session.request = _counted


@atexit.register
def _report():
    for (method, path), n in sorted(calls.items()):
        print(f"run_tap: requests: {n} {method} {path}", file=sys.stderr)


print(f"run_tap: KustomerClient.base_url -> {base}", file=sys.stderr)
tap_kustomer.main()
