"""A 100,000-concept glossary through a live server: import (upload as a proposal), the
proposal list and its diff, approval, the version diff, the impact job, and /translate with
and without it, each timed, while another thread asks /health every 50 ms; the server's peak
memory at the end. The peer for /translate is the same request without a glossary.

    .venv/bin/python bench/glossary_scale.py [--concepts 100000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.glossary_import import synthetic
from bench.server import served
from glossary.tables import write_table

NAME = "vn-government-news"
SENTENCE = "Le Premier ministre a reçu 12 ambassadeurs à Hanoï pour parler du terme numéro 42."


class HealthWatch(threading.Thread):
    """Asks /health every 50 ms; keeps the slowest answer."""

    def __init__(self, base: str) -> None:
        super().__init__(daemon=True)
        self.base, self.slowest, self.count, self.failed = base, 0.0, 0, 0
        self.stop = threading.Event()

    def run(self) -> None:
        with httpx.Client(base_url=self.base, timeout=10) as client:
            while not self.stop.is_set():
                start = time.perf_counter()
                try:
                    ok = client.get("/health").status_code == 200
                except httpx.HTTPError:
                    ok = False
                self.slowest = max(self.slowest, time.perf_counter() - start)
                self.count += 1
                self.failed += not ok
                self.stop.wait(0.05)


def timed(label: str, fn: Any) -> Any:
    start = time.perf_counter()
    result = fn()
    print(f"{label:<46} {time.perf_counter() - start:8.2f} s")
    return result


def _impact(client: httpx.Client, pid: int) -> str:
    """Ask for the proposal's impact until its job is done (the route waits up to 10 s)."""
    while True:
        res = client.get(f"/glossaries/{NAME}/proposals/{pid}/impact", params={"wait": 10})
        body = res.json()
        state = body.get("job", {}).get("state") if isinstance(body, dict) else None
        if res.status_code != 202 and state not in ("queued", "running"):
            return f"impact answer {res.status_code}, job {state}"


def peak_rss_mib(port: int) -> float:
    """VmHWM of the `triglot serve` process listening on ``port`` (Linux)."""
    for proc in Path("/proc").iterdir():
        try:
            cmd = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"serve" in cmd and str(port).encode() in cmd:
            for line in (proc / "status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--concepts", type=int, default=100_000)
    args = parser.parse_args()
    data = write_table(synthetic(args.concepts), delimiter=",").encode("utf-8")
    limits = str(args.concepts * 2)
    settings = {
        "TRIGLOT_GLOSSARY_MAX_CONCEPTS": limits,
        "TRIGLOT_PROPOSAL_MAX_CHANGES": limits,
        "TRIGLOT_MAX_GLOSSARY_BYTES": str(len(data) * 2),
    }
    with served(**settings) as (port, _packages):
        base = f"http://127.0.0.1:{port}"
        watch = HealthWatch(base)
        watch.start()
        with httpx.Client(base_url=base, timeout=600) as client:
            client.post("/documents", json={"text": f"Titre\n\n{SENTENCE}\n"})
            print(f"{args.concepts} concepts, CSV {len(data) / 2**20:.1f} MiB")
            proposal = timed(
                "import (upload, merge, proposal stored)",
                lambda: client.post(
                    f"/glossaries/{NAME}/proposals",
                    files={"file": ("big.csv", data, "text/csv")},
                    data={"note": "bench"},
                    headers={"If-Match": '"v1"'},
                ),
            )
            assert proposal.status_code == 201, proposal.text[:300]
            pid = proposal.json()["id"]
            timed(
                "list proposals (first page)", lambda: client.get(f"/glossaries/{NAME}/proposals")
            )
            timed(
                "one proposal (diff, first page)",
                lambda: client.get(f"/glossaries/{NAME}/proposals/{pid}"),
            )
            impact = timed(
                "impact (background job, polled until done)", lambda: _impact(client, pid)
            )
            print(f"{'':<46} {impact}")
            approved = timed(
                "approve (version 2 stored)",
                lambda: client.post(
                    f"/glossaries/{NAME}/proposals/{pid}/approve", headers={"If-Match": '"v1"'}
                ),
            )
            assert approved.status_code == 200, approved.text[:300]
            timed(
                "version diff 1 -> 2 (first page)",
                lambda: client.get(f"/glossaries/{NAME}/diff", params={"from": 1, "to": 2}),
            )
            client.post("/translate", json={"q": SENTENCE, "source": "fr", "target": "en"})
            with_g, without = [], []
            for _ in range(50):
                for glossary, out in ((NAME, with_g), ("none", without)):
                    start = time.perf_counter()
                    res = client.post(
                        "/translate",
                        json={"q": SENTENCE, "source": "fr", "target": "en", "glossary": glossary},
                    )
                    out.append(time.perf_counter() - start)
                    assert res.status_code == 200, res.text[:300]
            print(
                f"/translate with the {args.concepts}-concept glossary: median "
                f"{statistics.median(with_g) * 1000:.1f} ms, without "
                f"{statistics.median(without) * 1000:.1f} ms (50 each, the first cached)"
            )
        watch.stop.set()
        watch.join()
        print(
            f"/health: {watch.count} polls, slowest {watch.slowest * 1000:.0f} ms, "
            f"{watch.failed} failed (target: every answer within 100 ms)"
        )
        print(f"server peak memory (VmHWM): {peak_rss_mib(port):.0f} MiB")


if __name__ == "__main__":
    main()
