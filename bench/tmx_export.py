"""TMX export of 100,000 synthetic units: Triglot's export path (aggregation: deduplication with
occurrence counts, conflict ranking, srclang and segtype; then the streaming writer) against
translate-toolkit writing the same units, in the same run.

What each side does, from the same texts to UTF-8 bytes thrown away (neither keeps its output):

- triglot export: reads ``Entry`` records (as ``service.export.units`` makes them from stored
  pairs; every 50th French repeats the previous one with another Vietnamese), deduplicates
  them by their texts with occurrence counts and document ids, ranks and marks the conflicts,
  picks ``srclang`` and ``segtype``, writes TMX 1.4b (escaping, the check for characters XML
  cannot carry) and encodes each chunk to UTF-8: what ``GET /tmx`` does after reading the
  database.
- triglot writer alone: ``TmxWriter.stream`` over ready ``TmxUnit`` records, encoded.
- translate-toolkit: ``tmxfile`` built unit by unit (``addsourceunit``, ``settarget`` for vi
  and en) and serialised by lxml to UTF-8 bytes; no deduplication or ranking.

Prints the median seconds of ``--rounds`` interleaved rounds (each round runs the three once),
the per-round speed ratio, and peak memory growth (one more run under tracemalloc: Python
allocations).

    .venv/bin/python bench/tmx_export.py [--units 100000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from service.export.aggregate import Entry, aggregate
from service.export.tmx import TmxUnit, TmxVariant, TmxWriter

FR = "Le Premier ministre Pham Minh Chinh a reçu {} délégués de la Convention de Hanoï."
VI = "Thủ tướng Phạm Minh Chính đã tiếp {} đại biểu của Công ước Hà Nội."
EN = "Prime Minister Pham Minh Chinh received {} delegates of the Hanoi Convention."


def units(n: int) -> Iterator[TmxUnit]:
    for i in range(n):
        yield TmxUnit(
            f"u{i}",
            (
                TmxVariant("fr", FR.format(i)),
                TmxVariant("vi", VI.format(i)),
                TmxVariant("en", EN.format(i), (("x-origin", "machine-translation"),)),
            ),
            (("x-document-id", str(i // 40)), ("x-alignment-score", "0.9000")),
        )


def entries(n: int) -> Iterator[Entry]:
    """The same texts as :func:`units`, as the export's entries (every 50th French twice with
    another Vietnamese: a conflict to rank)."""
    for i in range(n):
        vi = VI.format(i - 1 if i % 50 == 49 else i)
        yield Entry(
            f"u{i}",
            {"fr": FR.format(i - 1 if i % 50 == 49 else i), "vi": vi, "en": EN.format(i)},
            0.9,
            "sentence",
            [("x-alignment-score", "0.9000")],
            {"en": (("x-origin", "machine-translation"),)},
            i // 40,
        )


def ours(n: int, sink: io.RawIOBase) -> None:
    """What ``GET /tmx`` does once the entries are read: aggregate, write, encode UTF-8."""
    export = aggregate(entries(n), ("fr", "vi", "en"))
    writer = TmxWriter("bench", srclang=export.srclang, segtype=export.segtype)
    for chunk in export.stream(writer):
        sink.write(chunk.encode("utf-8"))


def ours_writer_only(n: int, sink: io.RawIOBase) -> None:
    for chunk in TmxWriter("bench").stream(units(n)):
        sink.write(chunk.encode("utf-8"))


def peer(n: int, sink: io.RawIOBase) -> None:
    from translate.storage.tmx import tmxfile  # noqa: PLC0415

    store = tmxfile(sourcelanguage="fr", targetlanguage="vi")
    for unit in units(n):
        tu = store.addsourceunit(unit.variants[0].text)
        tu.settarget(unit.variants[1].text, lang="vi")
        tu.settarget(unit.variants[2].text, lang="en", append=True)
    store.serialize(sink)


class _NullBytes(io.RawIOBase):
    """Discards the bytes written: neither side keeps its output in memory."""

    def writable(self) -> bool:
        return True

    def write(self, b: object) -> int:
        return len(b)  # type: ignore[arg-type]


def seconds(fn: Callable[[], None]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def peak_mb(fn: Callable[[], None]) -> float:
    """Peak memory growth of a run under tracemalloc (tracing slows allocation: not timed)."""
    tracemalloc.start()
    fn()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1024**2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3, help="interleaved timing rounds")
    args = parser.parse_args()
    n = args.units
    sides: dict[str, Callable[[], None]] = {
        "triglot export": lambda: ours(n, _NullBytes()),
        "triglot writer alone": lambda: ours_writer_only(n, _NullBytes()),
        "translate-toolkit": lambda: peer(n, _NullBytes()),
    }
    times: dict[str, list[float]] = {name: [] for name in sides}
    for _round in range(args.rounds):  # interleaved: each round runs every side once
        for name, fn in sides.items():
            times[name].append(seconds(fn))
    ratios = [
        p / o for p, o in zip(times["translate-toolkit"], times["triglot export"], strict=True)
    ]
    print(f"{n} units (fr, vi, en), {args.rounds} interleaved rounds, median seconds:")
    for name, fn in sides.items():
        runs = ", ".join(f"{t:.2f}" for t in times[name])
        print(
            f"  {name}: {statistics.median(times[name]):.2f} s ({runs}); peak +{peak_mb(fn):.1f} MB"
        )
    print(
        "speed ratio (toolkit / triglot export, per round): "
        + ", ".join(f"{r:.1f}x" for r in ratios)
        + f"; median {statistics.median(ratios):.1f}x"
    )


if __name__ == "__main__":
    main()
