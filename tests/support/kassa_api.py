"""One JSON call to kassad's API for the Python test drivers (schemathesis'
seeding, the console's browser test): bearer token, optional purpose and
JSON body; returns (status, parsed body), 4xx and 5xx included.
"""

import json
import urllib.error
import urllib.request


def call(base, method, path, token, body=None, purpose=None, timeout=60):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("Authorization", "Bearer " + token)
    if purpose:
        req.add_header("X-Kassa-Purpose", purpose)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")
