"""Bounded load on a Triglot server on loopback: throughput, p50/p99 latency, errors.

Starts `triglot serve` on a free loopback port with the fr->en copy fixture (or uses --url of a
server already running on this machine), then runs a fixed number of requests from a fixed
number of concurrent clients against a mix of endpoints, and stops by itself.

    .venv/bin/python bench/load.py [--clients 16] [--requests 2000] [--url http://127.0.0.1:8000]
        [--keys] [--database-url postgresql+psycopg://...]

--keys serves with API keys required for writes and translation, and every client sends one
(the cost of checking a key on each request). Any answer other than 2xx counts as an error.

--hostile runs the ordinary clients twice on one server (keys on, a character budget per key,
each ordinary client with a key of its own, well within its budget): alone, then beside --slow
clients that send their headers a byte a second (reconnecting when cut off) and --heavy
clients that each send 20,000 characters of 300-character words (the longest allowed), each
under a key of its own, while a monitor polls /health every 50 ms. It prints both p99s, their
ratio (target: at most 2) and the slowest /health answer (target: 100 ms). Answers 429 to the
heavy clients are the character budget at work; to an ordinary client, an error.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
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


def run(
    host: str, port: int, clients: int, requests: int, keys: Sequence[str] = ()
) -> tuple[float, int]:
    """Run the ordinary clients (client k sends ``keys[k % len(keys)]``, if any); returns
    (p99 in seconds, errors)."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    per_client = max(1, requests // clients)

    def client(k: int) -> None:
        conn = http.client.HTTPConnection(host, port, timeout=30)
        key = keys[k % len(keys)] if keys else None
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
    return p99, len(errors)


def _slow_client(host: str, port: int, stop: threading.Event) -> None:
    """Headers a byte a second, for ever (a new connection each time the server cuts it)."""
    request = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"s" * 200
    while not stop.is_set():
        try:
            with socket.create_connection((host, port), timeout=5) as sock:
                for byte in request:
                    if stop.wait(1.0):
                        return
                    sock.sendall(bytes([byte]))
        except OSError:
            continue


def _heavy_client(host: str, port: int, key: str, stop: threading.Event, out: list[int]) -> None:
    word = "ministère" * 33  # 297 characters, no space
    body = json.dumps({"q": " ".join([word] * 67), "source": "fr", "target": "en"})
    while not stop.is_set():
        conn = http.client.HTTPConnection(host, port, timeout=120)
        try:
            conn.request(
                "POST", "/translate", body, {"Content-Type": "application/json", "X-API-Key": key}
            )
            res = conn.getresponse()
            res.read()
            out.append(res.status)
            if res.status == 429:
                stop.wait(float(res.headers.get("Retry-After", "1")))
        except OSError:
            out.append(0)
        finally:
            conn.close()


def _monitor(host: str, port: int, stop: threading.Event, out: list[float]) -> None:
    conn = http.client.HTTPConnection(host, port, timeout=30)
    while not stop.wait(0.05):
        start = time.perf_counter()
        try:
            conn.request("GET", "/health")
            conn.getresponse().read()
        except OSError:
            conn = http.client.HTTPConnection(host, port, timeout=30)
            continue
        out.append(time.perf_counter() - start)


def hostile(args: argparse.Namespace) -> None:
    settings = {
        "TRIGLOT_API_KEYS": "true",
        "TRIGLOT_TRANSLATE_REQUIRES_KEY": "true",
        "TRIGLOT_TRANSLATE_CHARS_PER_MINUTE": str(args.chars_per_minute),
    }
    with served(**settings) as (port, packages):
        env = {**os.environ, **settings, "TRIGLOT_DATA_DIR": str(packages.parent)}

        def make(name: str) -> str:
            made = subprocess.run(
                [TRIGLOT, "keys", "add", name], env=env, check=True, capture_output=True
            )
            return made.stdout.decode().strip()

        keys = [make(f"load-{k}") for k in range(args.clients)]
        heavy_keys = [make(f"heavy-{k}") for k in range(args.heavy)]
        host = "127.0.0.1"
        print(
            f"served on loopback (keys on, {args.chars_per_minute} characters a minute a key); "
            f"{args.clients} ordinary clients alone:"
        )
        health: list[float] = []
        stop = threading.Event()
        monitor = threading.Thread(target=_monitor, args=(host, port, stop, health))
        monitor.start()
        alone, _ = run(host, port, args.clients, args.requests, keys)
        alone_health = max(health, default=0.0)
        health.clear()
        heavy_status: list[int] = []
        others = [
            threading.Thread(target=_slow_client, args=(host, port, stop)) for _ in range(args.slow)
        ] + [
            threading.Thread(target=_heavy_client, args=(host, port, key, stop, heavy_status))
            for key in heavy_keys
        ]
        for t in others:
            t.start()
        time.sleep(2)  # the slow and heavy clients are in
        print(f"beside {args.slow} slow clients and {args.heavy} heavy-token clients:")
        beside, _ = run(host, port, args.clients, args.requests, keys)
        stop.set()
        for t in [*others, monitor]:
            t.join()
        answered = {code: heavy_status.count(code) for code in sorted(set(heavy_status))}
        print(
            f"ordinary p99 alone {alone * 1000:.1f} ms, beside them {beside * 1000:.1f} ms: "
            f"ratio {beside / alone:.2f} (target <= 2); /health slowest "
            f"{alone_health * 1000:.1f} ms alone, {max(health, default=0.0) * 1000:.1f} ms "
            f"beside them over {len(health)} polls (target <= 100 ms); heavy clients' answers "
            f"{answered}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--url", help="an already running server on loopback")
    parser.add_argument("--keys", action="store_true", help="require and send an API key")
    parser.add_argument("--database-url", help="TRIGLOT_DATABASE_URL for the served instance")
    parser.add_argument("--hostile", action="store_true", help="beside slow and heavy clients")
    parser.add_argument("--slow", type=int, default=4, help="--hostile: byte-a-second clients")
    parser.add_argument("--heavy", type=int, default=4, help="--hostile: heavy-token clients")
    parser.add_argument("--chars-per-minute", type=int, default=20_000)
    args = parser.parse_args()
    if args.hostile:
        hostile(args)
        return
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
        run("127.0.0.1", port, args.clients, args.requests, [key] if key else [])


if __name__ == "__main__":
    main()
