"""Page-analysis throughput on the seed pages.

Prints pages per second for `aligner.analyze`, and, as a peer measured in the same run, the
cost of the least any analyser does: py3langid's `classify` on every non-blank line. The ratio
says how much the genre rules add on top of plain language identification. `analyze` plus
`residue_pairs` (what `triglot analyze` and the service run on a page) is printed too.

Rates are the best of ``--rounds`` interleaved rounds, in CPU time (``time.process_time``:
steady on a shared machine, where wall time also counts other processes' turns) and in wall
time; on a quiet machine the two agree.

    .venv/bin/python bench/page_analysis.py [--seconds 1] [--rounds 5]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

from aligner import analyze
from aligner.langid import classify_statistical
from aligner.pairs import residue_pairs

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def _rate(fn: Callable[[str], object], pages: list[str], seconds: float) -> tuple[float, float]:
    """(pages per CPU second, pages per wall second) of ``fn`` over ``pages``, run for about
    ``seconds`` of wall time."""
    done = 0
    start, cpu_start = time.perf_counter(), time.process_time()
    while time.perf_counter() - start < seconds:
        for text in pages:
            fn(text)
        done += len(pages)
    cpu, wall = time.process_time() - cpu_start, time.perf_counter() - start
    return done / max(cpu, 1e-9), done / wall


def _langid_every_line(text: str) -> None:
    for line in text.splitlines():
        if line.strip():
            classify_statistical(line)


def _analyze_and_pair(text: str) -> None:
    residue_pairs(analyze(text))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=1.0, help="time per round and measure")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (best kept)")
    args = parser.parse_args()
    pages = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    t0 = time.perf_counter()
    analyze(pages[0])
    cold = time.perf_counter() - t0
    # Variants of the pages defeat any cache keyed on whole lines (a trailing marker per run).
    variants = [f"{text}\nVariante {i}." for i in range(50) for text in pages]
    measures: dict[str, Callable[[str], object]] = {
        "triglot analyze": analyze,
        "py3langid on every line": _langid_every_line,
        "analyze + residue_pairs": _analyze_and_pair,
    }
    best = dict.fromkeys(measures, (0.0, 0.0))
    for _ in range(args.rounds):
        for name, fn in measures.items():
            cpu, wall = _rate(fn, variants, args.seconds)
            best[name] = (max(best[name][0], cpu), max(best[name][1], wall))
    n_lines = sum(len([ln for ln in t.splitlines() if ln.strip()]) for t in pages) / len(pages)
    print(f"pages: {len(pages)} seeds ({n_lines:.0f} non-blank lines on average)")
    print(f"first page (loads the language model): {cold * 1000:.0f} ms")
    print(f"{'':28}{'pages/cpu-s':>12}{'pages/s':>10}{'x peer time':>13}")
    peer_cpu = best["py3langid on every line"][0]
    for name, (cpu, wall) in best.items():
        note = " (peer)" if name.startswith("py3langid") else ""
        print(f"{name:<28}{cpu:>12.1f}{wall:>10.1f}{peer_cpu / cpu:>12.2f}x{note}")


if __name__ == "__main__":
    main()
