"""Page-analysis throughput on the seed pages.

Prints pages per second for `aligner.analyze`, and, as a peer measured in the same run, the
cost of the least any analyser does: py3langid's `classify` on every non-blank line. The ratio
says how much the genre rules add on top of plain language identification.

    .venv/bin/python bench/page_analysis.py [--seconds 5]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from aligner import analyze
from aligner.langid import classify_statistical

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def _rate(fn: object, pages: list[str], seconds: float) -> float:
    assert callable(fn)
    done = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        for text in pages:
            fn(text)
        done += len(pages)
    return done / (time.perf_counter() - start)


def _langid_every_line(text: str) -> None:
    for line in text.splitlines():
        if line.strip():
            classify_statistical(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0, help="time per measurement")
    args = parser.parse_args()
    pages = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    t0 = time.perf_counter()
    analyze(pages[0])
    cold = time.perf_counter() - t0
    # Variants of the pages defeat any cache keyed on whole lines (a trailing marker per run).
    variants = [f"{text}\nVariante {i}." for i in range(50) for text in pages]
    ours = _rate(analyze, variants, args.seconds)
    peer = _rate(_langid_every_line, variants, args.seconds)
    n_lines = sum(len([ln for ln in t.splitlines() if ln.strip()]) for t in pages) / len(pages)
    print(f"pages: {len(pages)} seeds ({n_lines:.0f} non-blank lines on average)")
    print(f"first page (loads the language model): {cold * 1000:.0f} ms")
    print(f"triglot analyze:          {ours:8.1f} pages/s")
    print(f"py3langid on every line:  {peer:8.1f} pages/s (peer)")
    print(f"ratio analyze/peer time:  {peer / ours:8.2f}x")


if __name__ == "__main__":
    main()
