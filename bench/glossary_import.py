"""Glossary import of a large synthetic glossary: parsing (CSV in Triglot's layout, TBX) and
the merge into the current version, with ``csv.reader`` reading the same file as the peer.

Prints seconds (a plain run) and peak Python allocations (a second run under tracemalloc).

    .venv/bin/python bench/glossary_import.py [--concepts 100000]
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from glossary import Concept, Glossary, Term
from glossary.merge import merge
from glossary.tables import read_table_import, write_table
from glossary.tbx import read_tbx_import, write_tbx


def synthetic(n: int) -> Glossary:
    return Glossary(
        "g",
        tuple(
            Concept(
                f"c{i}",
                (
                    Term(f"terme numéro {i}", "fr"),
                    Term(f"TN{i}", "fr", "admitted", case_sensitive=True),
                    Term(f"thuật ngữ số {i}", "vi"),
                    Term(f"term number {i}", "en"),
                    Term(f"term no {i}", "en", "forbidden"),
                ),
                f"note {i}",
            )
            for i in range(n)
        ),
    )


def measure(name: str, fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    seconds = time.perf_counter() - start
    tracemalloc.start()
    fn()
    _now, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{name:<44} {seconds:7.2f} s   peak {peak / 2**20:7.1f} MiB")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--concepts", type=int, default=100_000)
    n = parser.parse_args().concepts
    current = synthetic(n)
    half = Glossary("g", current.concepts[: n // 2])
    text = write_table(current)
    n_tbx = min(n, 15_000)  # TBX is ~1.1 kB a concept: 15,000 fit the 20 MB TBX limit
    tbx = write_tbx(Glossary("g", current.concepts[:n_tbx]))
    print(
        f"{n} concepts: CSV {len(text.encode()) / 2**20:.1f} MiB; {n_tbx} concepts: TBX "
        f"{len(tbx) / 2**20:.1f} MiB"
    )
    peer = measure("peer: csv.reader over the CSV", lambda: list(csv.reader(io.StringIO(text))))
    parse = measure("read CSV (Triglot layout)", lambda: read_table_import(text, name="g"))
    measure(f"read TBX ({n_tbx} concepts)", lambda: read_tbx_import(tbx, name="g"))
    incoming = read_table_import(text, name="g")
    merged = measure("merge: all unchanged", lambda: merge(current, incoming))
    measure("merge into half: half created", lambda: merge(half, incoming))
    measure("replace: all unchanged", lambda: merge(current, incoming, replace=True))
    print(f"read CSV / peer: {parse / peer:.1f}x; merge / read CSV: {merged / parse:.2f}x")


if __name__ == "__main__":
    main()
