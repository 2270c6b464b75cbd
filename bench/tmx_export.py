"""TMX export of 100,000 synthetic units: Triglot's export path (aggregation: deduplication with
occurrence counts, conflict ranking, srclang and segtype; then the streaming writer) against
translate-toolkit writing the same units, in the same run.

Prints seconds (a plain run) and peak memory growth (a second run under tracemalloc: Python
allocations) for each; the writer alone is timed too.

    .venv/bin/python bench/tmx_export.py [--units 100000]
"""

from __future__ import annotations

import argparse
import io
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


def ours(n: int, sink: io.TextIOBase) -> None:
    export = aggregate(entries(n), ("fr", "vi", "en"))
    writer = TmxWriter("bench", srclang=export.srclang, segtype=export.segtype)
    for chunk in writer.stream(export.units):
        sink.write(chunk)


def ours_writer_only(n: int, sink: io.TextIOBase) -> None:
    for chunk in TmxWriter("bench").stream(units(n)):
        sink.write(chunk)


def peer(n: int, sink: io.RawIOBase) -> None:
    from translate.storage.tmx import tmxfile  # noqa: PLC0415

    store = tmxfile(sourcelanguage="fr", targetlanguage="vi")
    for unit in units(n):
        tu = store.addsourceunit(unit.variants[0].text)
        tu.settarget(unit.variants[1].text, lang="vi")
        tu.settarget(unit.variants[2].text, lang="en", append=True)
    store.serialize(sink)


class _Null(io.TextIOBase):
    """Discards what is written: neither side keeps its output in memory."""

    def write(self, s: str) -> int:
        return len(s)


class _NullBytes(io.RawIOBase):
    def writable(self) -> bool:
        return True

    def write(self, b: object) -> int:
        return len(b)  # type: ignore[arg-type]


def measure(fn: Callable[[], None]) -> tuple[float, float]:
    """Seconds of a plain run, then peak memory growth of a second run under tracemalloc
    (tracing slows allocation, so it must not be timed)."""
    start = time.perf_counter()
    fn()
    seconds = time.perf_counter() - start
    tracemalloc.start()
    fn()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, peak / 1024**2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--units", type=int, default=100_000)
    args = parser.parse_args()
    ours_s, ours_mb = measure(lambda: ours(args.units, _Null()))
    writer_s, writer_mb = measure(lambda: ours_writer_only(args.units, _Null()))
    peer_s, peer_mb = measure(lambda: peer(args.units, _NullBytes()))
    print(
        f"{args.units} units (fr, vi, en): triglot export {ours_s:.2f} s, peak +{ours_mb:.1f} MB "
        f"(writer alone {writer_s:.2f} s, +{writer_mb:.1f} MB); "
        f"translate-toolkit {peer_s:.2f} s, peak +{peer_mb:.1f} MB"
    )
    print(
        f"speed ratio: triglot is {peer_s / ours_s:.1f}x faster; memory ratio "
        f"{peer_mb / max(ours_mb, 0.01):.0f}x less"
    )


if __name__ == "__main__":
    main()
