#!/usr/bin/env python3
"""Writes one tuple per request to `warden serve` until the server stops answering; prints "acked N" after each
write the server acknowledged (HTTP 200), so a test can check that every acknowledged write survived a shutdown.

    python3 Tests/Server/writer.py http://127.0.0.1:PORT STORE_ID
"""
import json
import sys
import urllib.error
import urllib.request

url, store = sys.argv[1], sys.argv[2]
for index in range(1_000_000):
    body = json.dumps({"writes": {"tuple_keys": [{"user": f"user:w{index}", "relation": "viewer", "object": "document:d"}]}})
    request = urllib.request.Request(f"{url}/stores/{store}/write", data=body.encode(), method="POST",
                                     headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            if response.status != 200:
                break
    except (urllib.error.URLError, ConnectionError, OSError):
        break
    print(f"acked {index}", flush=True)
