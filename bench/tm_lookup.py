"""Translation-memory look-ups on a generated memory (1,000,000 units by default): index build
time and memory, then exact, fuzzy and missing look-ups (median and p99 per segment), beside a
brute-force rapidfuzz ``process.extractOne`` scan over the whole memory in the same run
(on a subset of the fuzzy queries: a scan takes about a second each), with the index's
agreement with the scan.

Units are sentences of 6-20 words drawn from the vocabulary of the genre corpus' French pages
(words only; no sentence of a page is reproduced), so trigram frequencies are those of French
news text. Fuzzy queries are memory sentences with one word replaced and one letter changed.

    .venv/bin/python bench/tm_lookup.py [--units 1000000] [--queries 300] [--brute 20]
"""

from __future__ import annotations

import argparse
import random
import re
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rapidfuzz import fuzz, process

from service.tm.index import TmEntry, TmIndex, normalize

ROOT = Path(__file__).resolve().parent.parent
THRESHOLD = 0.85


def vocabulary() -> list[str]:
    words: set[str] = set()
    for page in sorted((ROOT / "corpus").glob("*/*.fr.txt")):
        words |= set(re.findall(r"[A-Za-zÀ-ÿ'’-]{2,}", page.read_text("utf-8")))
    return sorted(words)


def sentence(rng: random.Random, words: list[str]) -> str:
    n = rng.randint(6, 20)
    text = " ".join(rng.choice(words) for _ in range(n))
    return text[0].upper() + text[1:] + "."


def perturb(rng: random.Random, text: str, words: list[str]) -> str:
    parts = text.split(" ")
    parts[rng.randrange(len(parts))] = rng.choice(words)
    out = " ".join(parts)
    i = rng.randrange(len(out))
    return out[:i] + rng.choice("aeiourstn") + out[i + 1 :]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed(fn: object, queries: list[str]) -> tuple[list[float], list[object]]:
    times, results = [], []
    for q in queries:
        start = time.perf_counter()
        results.append(fn(q))  # type: ignore[operator]
        times.append((time.perf_counter() - start) * 1000)
    return times, results


def report(name: str, times: list[float]) -> None:
    print(
        f"  {name:<28} median {statistics.median(times):8.3f} ms   "
        f"p99 {percentile(times, 0.99):8.3f} ms   ({len(times)} queries)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--units", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--brute", type=int, default=20, help="fuzzy queries also scanned")
    args = parser.parse_args()
    rng = random.Random(17)
    words = vocabulary()
    start = time.perf_counter()
    entries = [TmEntry(sentence(rng, words), f"t{i}", 0.9) for i in range(args.units)]
    print(
        f"{args.units} generated units ({len(words)} words of vocabulary, "
        f"{sum(len(e.source) for e in entries) / len(entries):.0f} characters on average) "
        f"in {time.perf_counter() - start:.1f} s"
    )

    tracemalloc.start()  # memory on a tenth of the units (tracing slows the build 3x)
    small = TmIndex(entries[: args.units // 10])
    current, peak = tracemalloc.get_traced_memory()
    del small
    tracemalloc.stop()
    print(
        f"index of {args.units // 10} units under tracemalloc: held {current / 2**20:.0f} MB, "
        f"build peak {peak / 2**20:.0f} MB"
    )
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    index = TmIndex(entries)
    build_s = time.perf_counter() - start
    rss_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
    arrays = sum(a.nbytes for a in (index._keys, index._offsets, index._postings, index._lengths))
    print(
        f"index build of {args.units} units: {build_s:.1f} s; postings and keys "
        f"{arrays / 2**20:.0f} MB (plus the normalised texts); process peak RSS +{rss_mb:.0f} MB"
    )

    picks = [entries[rng.randrange(len(entries))].source for _ in range(args.queries)]
    exact_q = picks
    fuzzy_q = [perturb(rng, p, words) for p in picks]
    miss_q = [sentence(rng, words) for _ in range(args.queries)]
    print(f"look-ups (threshold {THRESHOLD}):")
    t_exact, r_exact = timed(lambda q: index.lookup(q, THRESHOLD), exact_q)
    report("exact", t_exact)
    t_fuzzy, r_fuzzy = timed(lambda q: index.lookup(q, THRESHOLD), fuzzy_q)
    report("fuzzy (one word, one letter)", t_fuzzy)
    t_miss, r_miss = timed(lambda q: index.lookup(q, THRESHOLD), miss_q)
    report("not in memory", t_miss)
    found = sum(r is not None and r.exact for r in r_exact)  # type: ignore[union-attr]
    fuzzy_found = sum(r is not None for r in r_fuzzy)
    print(
        f"  exact found {found}/{len(exact_q)}; fuzzy found {fuzzy_found}/{len(fuzzy_q)}; "
        f"false answers for missing texts {sum(r is not None for r in r_miss)}/{len(miss_q)}"
    )

    choices = [normalize(e.source) for e in entries]
    subset = fuzzy_q[: args.brute]

    def scan(q: str) -> object:
        return process.extractOne(
            normalize(q), choices, scorer=fuzz.ratio, processor=None, score_cutoff=THRESHOLD * 100
        )

    t_scan, r_scan = timed(scan, subset)
    print(f"brute force, process.extractOne over all {len(choices)} units (same run):")
    report("fuzzy scan", t_scan)
    agree = 0
    for mine, theirs in zip(r_fuzzy[: args.brute], r_scan, strict=True):
        if theirs is None:
            agree += mine is None
        elif mine is not None:
            agree += abs(mine.similarity - theirs[1] / 100) < 1e-3  # type: ignore[union-attr, index]
    print(
        f"  index vs scan: same best score on {agree}/{len(subset)} queries; "
        f"index is {statistics.median(t_scan) / statistics.median(t_fuzzy[: args.brute]):.0f}x "
        "faster (medians on the same queries)"
    )


if __name__ == "__main__":
    main()
