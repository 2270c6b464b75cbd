"""Large glossaries through a live server: for each size (20,000 and 100,000 concepts by
default, merged into the shipped 52-concept glossary as successive versions): import (upload
as a proposal), the proposal list and its diff, the impact job, approval, the version diff,
the first /translate with it (its index built), the server's memory; then /translate with
every version and without a glossary, interleaved, each against the shipped 52 concepts
(the target: a large glossary costs at most 1.5 ms more a request). Another thread asks
/health every 50 ms throughout and keeps the slowest answer.

    .venv/bin/python bench/glossary_scale.py [--sizes 20000,100000] [--requests 100]
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
PLAIN = "Le Premier ministre a reçu 12 ambassadeurs à Hanoï pour parler du budget."
"""Terms of the shipped glossary only: the same work with every version, so what differs is
the glossary's size. SENTENCE also holds a synthetic term (one more term to enforce)."""


class HealthWatch(threading.Thread):
    """Asks /health every 50 ms; keeps the slowest answer."""

    def __init__(self, base: str) -> None:
        super().__init__(daemon=True)
        self.base, self.slowest, self.count, self.failed = base, 0.0, 0, 0
        self.polls: list[tuple[float, float]] = []  # (when it was sent, seconds to answer)
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
                self.polls.append((start, time.perf_counter() - start))
                self.count += 1
                self.failed += not ok
                self.stop.wait(0.05)


STAGES: list[tuple[str, float, float]] = []
"""(label, start, end) of each timed step, to say which step /health was slowest in."""


def timed(label: str, fn: Any) -> Any:
    start = time.perf_counter()
    result = fn()
    print(f"{label:<46} {time.perf_counter() - start:8.2f} s")
    STAGES.append((label, start, time.perf_counter()))
    return result


def _impact(client: httpx.Client, pid: int) -> str:
    """Ask for the proposal's impact until its job is done (the route waits up to 10 s)."""
    while True:
        res = client.get(f"/glossaries/{NAME}/proposals/{pid}/impact", params={"wait": 10})
        body = res.json()
        state = body.get("job", {}).get("state") if isinstance(body, dict) else None
        if res.status_code != 202 and state not in ("queued", "running"):
            return f"impact answer {res.status_code}, job {state}"


def rss_mib(port: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of the `triglot serve` process listening on ``port`` (Linux), MiB."""
    for proc in Path("/proc").iterdir():
        try:
            cmd = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"serve" in cmd and str(port).encode() in cmd:
            fields = dict(line.split(":", 1) for line in (proc / "status").read_text().splitlines())
            rss, hwm = (int(fields[k].split()[0]) / 1024 for k in ("VmRSS", "VmHWM"))
            return rss, hwm
    return float("nan"), float("nan")


def review(client: httpx.Client, data: bytes, version: int) -> None:
    """Import ``data`` as a proposal against ``version``, look at it, run its impact job,
    approve it (version + 1), and page the version diff, each timed."""
    proposal = timed(
        "import (upload, merge, proposal stored)",
        lambda: client.post(
            f"/glossaries/{NAME}/proposals",
            files={"file": ("big.csv", data, "text/csv")},
            data={"note": "bench"},
            headers={"If-Match": f'"v{version}"'},
        ),
    )
    assert proposal.status_code == 201, proposal.text[:300]
    pid = proposal.json()["id"]
    timed("list proposals (first page)", lambda: client.get(f"/glossaries/{NAME}/proposals"))
    timed(
        "one proposal (diff, first page)",
        lambda: client.get(f"/glossaries/{NAME}/proposals/{pid}"),
    )
    impact = timed("impact (background job, polled until done)", lambda: _impact(client, pid))
    print(f"{'':<46} {impact}")
    approved = timed(
        f"approve (version {version + 1} stored)",
        lambda: client.post(
            f"/glossaries/{NAME}/proposals/{pid}/approve", headers={"If-Match": f'"v{version}"'}
        ),
    )
    assert approved.status_code == 200, approved.text[:300]
    timed(
        f"version diff {version} -> {version + 1} (first page)",
        lambda: client.get(f"/glossaries/{NAME}/diff", params={"from": version, "to": version + 1}),
    )


def post_translate(client: httpx.Client, glossary: str, text: str = SENTENCE) -> float:
    start = time.perf_counter()
    res = client.post(
        "/translate", json={"q": text, "source": "fr", "target": "en", "glossary": glossary}
    )
    assert res.status_code == 200, res.text[:300]
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="20000,100000", help="comma-separated concept counts")
    parser.add_argument("--requests", type=int, default=100, help="/translate requests each")
    args = parser.parse_args()
    sizes = sorted(int(n) for n in args.sizes.split(","))
    tables = {n: write_table(synthetic(n), delimiter=",").encode("utf-8") for n in sizes}
    biggest = max(len(t) for t in tables.values())
    limits = str(sizes[-1] * 2)
    settings = {
        "TRIGLOT_GLOSSARY_MAX_CONCEPTS": limits,
        "TRIGLOT_PROPOSAL_MAX_CHANGES": limits,
        "TRIGLOT_MAX_GLOSSARY_BYTES": str(biggest * 2),
    }
    with served(**settings) as (port, _packages):
        base = f"http://127.0.0.1:{port}"
        watch = HealthWatch(base)
        watch.start()
        versions = {"none": "none", "52 (shipped)": f"{NAME}@1"}
        with httpx.Client(base_url=base, timeout=600) as client:
            client.post("/documents", json={"text": f"Titre\n\n{SENTENCE}\n"})
            timed("idle: the machine's noise floor for /health", lambda: time.sleep(5))
            for k, n in enumerate(sizes, start=1):
                mib = len(tables[n]) / 2**20
                print(f"-- {n} concepts (merged into the shipped 52), CSV {mib:.1f} MiB")
                review(client, tables[n], k)
                label = f"{n + 52:,}"
                versions[label] = f"{NAME}@{k + 1}"
                timed(
                    f"first /translate with {label} concepts (parse, index)",
                    lambda g=versions[label]: post_translate(client, g),  # type: ignore[misc]
                )
                rss, hwm = rss_mib(port)
                print(f"server memory now {rss:.0f} MiB, peak so far {hwm:.0f} MiB")
            for glossary in versions.values():
                post_translate(client, glossary)  # every version parsed and indexed
            times: dict[tuple[str, str], list[float]] = {
                (label, text): [] for label in versions for text in (PLAIN, SENTENCE)
            }
            for _ in range(args.requests):
                for (label, text), got in times.items():  # interleaved
                    got.append(post_translate(client, versions[label], text))
        watch.stop.set()
        watch.join()
        for text, what in ((PLAIN, "shipped terms only"), (SENTENCE, "+ a synthetic term")):
            shipped = statistics.median(times["52 (shipped)", text])
            print(f"/translate {text!r} ({what}), median of {args.requests} interleaved:")
            for label in versions:
                med = statistics.median(times[label, text])
                print(
                    f"  glossary {label:<14} {med * 1000:7.2f} ms   "
                    f"{(med - shipped) * 1000:+6.2f} ms against the shipped 52 "
                    "(target: within 1.5 ms)"
                )
        print(
            f"/health: {watch.count} polls, slowest {watch.slowest * 1000:.0f} ms, "
            f"{watch.failed} failed (target: every answer within 100 ms); slowest per step:"
        )
        for label, start, end in STAGES:
            during = [took for sent, took in watch.polls if start <= sent <= end]
            print(f"  {label:<46} {max(during, default=0.0) * 1000:6.0f} ms ({len(during)} polls)")
        rss, hwm = rss_mib(port)
        print(f"server memory at the end {rss:.0f} MiB, peak (VmHWM) {hwm:.0f} MiB")


if __name__ == "__main__":
    main()
