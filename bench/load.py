"""Bounded load on a Triglot server on loopback: throughput, p50/p99 latency, errors.

Starts `triglot serve` on a free loopback port with the fr->en copy fixture (or uses --url of a
server already running on this machine), then runs a fixed number of requests from a fixed
number of concurrent clients against a mix of endpoints, and stops by itself.

    .venv/bin/python bench/load.py [--clients 16] [--requests 2000] [--url http://127.0.0.1:8000]
        [--keys] [--database-url postgresql+psycopg://...]

--keys serves with API keys required for writes and translation, and every client sends one
(the cost of checking a key on each request). Any answer other than 2xx counts as an error.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.server import TRIGLOT, served

MIX = [
    (
        "POST",
        "/translate",
        {"q": "Le Premier ministre a reçu les délégués à Hanoï.", "source": "fr", "target": "en"},
    ),
    ("GET", "/health", None),
    ("GET", "/documents?limit=10", None),
    ("POST", "/detect", {"q": "Thủ tướng tiếp các đại biểu."}),
]


def _loopback(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    host = parts.hostname or ""
    if not (host == "localhost" or host.startswith("127.") or host == "::1"):
        raise SystemExit(f"refusing {url}: this script only loads servers on loopback")
    return host, parts.port or 80


def run(host: str, port: int, clients: int, requests: int, key: str | None = None) -> None:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    per_client = max(1, requests // clients)

    def client(k: int) -> None:
        conn = http.client.HTTPConnection(host, port, timeout=30)
        for i in range(per_client):
            method, path, body = MIX[(k + i) % len(MIX)]
            data = json.dumps(body) if body is not None else None
            start = time.perf_counter()
            try:
                headers = {"Content-Type": "application/json"}
                if key:
                    headers["X-API-Key"] = key
                conn.request(method, path, data, headers)
                res = conn.getresponse()
                res.read()
                ok = 200 <= res.status < 300
                status = str(res.status)
            except OSError as exc:
                ok, status = False, type(exc).__name__
                conn = http.client.HTTPConnection(host, port, timeout=30)
            elapsed = time.perf_counter() - start
            with lock:
                latencies.append(elapsed)
                if not ok:
                    errors.append(f"{method} {path}: {status}")

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    print(
        f"{len(latencies)} requests from {clients} clients in {wall:.1f} s: "
        f"{len(latencies) / wall:.0f} req/s, p50 {statistics.median(latencies) * 1000:.1f} ms, "
        f"p99 {p99 * 1000:.1f} ms, errors {len(errors)}"
    )
    for line in errors[:10]:
        print("  error:", line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--url", help="an already running server on loopback")
    parser.add_argument("--keys", action="store_true", help="require and send an API key")
    parser.add_argument("--database-url", help="TRIGLOT_DATABASE_URL for the served instance")
    args = parser.parse_args()
    if args.url:
        host, port = _loopback(args.url)
        run(host, port, args.clients, args.requests)
        return
    settings = {"TRIGLOT_DATABASE_URL": args.database_url} if args.database_url else {}
    if args.keys:
        settings |= {"TRIGLOT_API_KEYS": "true", "TRIGLOT_TRANSLATE_REQUIRES_KEY": "true"}
    with served(**settings) as (port, packages):
        key = None
        if args.keys:
            env = {**os.environ, **settings, "TRIGLOT_DATA_DIR": str(packages.parent)}
            made = subprocess.run(
                [TRIGLOT, "keys", "add", "load"], env=env, check=True, capture_output=True
            )
            key = made.stdout.decode().strip()
        mode = f"keys {'on' if key else 'off'}, {args.database_url or 'SQLite'}"
        print(f"served on loopback ({mode})")
        run("127.0.0.1", port, args.clients, args.requests, key)


if __name__ == "__main__":
    main()
