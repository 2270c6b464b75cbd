"""Bulk jobs: generated pages through ingest (analysis, pairs), cross-page alignment and
translation (the copy-model fixture packages), in this process and on a local Ray instance
with 1 and 2 workers. The run in this process is the peer the Ray runs are compared with.

Pages are generated from the genre corpus (corpus/): each French or Vietnamese page keeps the
layout of a corpus page (its lines in order: banners, headline, captions, bylines...) with its
long lines (paragraphs) replaced by long lines of other corpus pages in the same language, and
a numbered line so that no two pages are the same text. Of every seven pages, two are a French
page and its Vietnamese original beside it (`gen-K.fr.txt`, `gen-K.vi.txt`, copied from a
corpus pair with the number added), so the alignment stage has work.

    .venv/bin/python bench/bulk.py [--pages 10000] [--workers 2,1:2000] [--no-local]
        [--keep DIR] [--json results.json]

``--workers``: the Ray runs, each ``W`` (W workers, every page) or ``W:N`` (W workers, the
first N pages: a smaller run where the whole corpus would not fit in the time there is).
Prints per run: pages per second overall and per stage, milliseconds per page and per
translated segment, each worker's peak memory (``getrusage`` in the worker's own process: the
Ray actor, or this process for the local run), the database's size per page, and the load
average around the run (other work on the machine slows every figure).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path

from service.bulk.pipeline import BulkReport, run_bulk, worker_settings
from service.bulk.runners import LocalRunner, RayRunner, Runner
from service.mt.packages import install_file
from service.settings import Settings
from service.store.db import make_engine, migrate

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
MODELS = ROOT / "tests" / "fixtures" / "models"
LONG = 80  # characters: a line this long is a paragraph to recombine


def generate(n_pages: int, out: Path, *, seed: int = 20) -> list[Path]:
    """``n_pages`` page files under ``out`` (see the module docstring); returns them."""
    rng = random.Random(seed)
    pages = {p: p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*/*.txt"))}
    pool: dict[str, list[str]] = {"fr": [], "vi": []}
    for path, text in pages.items():
        lang = "vi" if path.name.endswith(".vi.txt") else "fr"
        pool[lang] += [ln for ln in text.splitlines() if len(ln) >= LONG]
    pairs = [
        (p, p.with_name(p.name.replace(".fr.txt", ".vi.txt")))
        for p in pages
        if p.name.endswith(".fr.txt") and p.with_name(p.name.replace(".fr.", ".vi.")).exists()
    ]
    singles = list(pages)
    out.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    k = 0
    while len(files) < n_pages:
        k += 1
        if k % 6 == 0 and len(files) + 2 <= n_pages:
            fr, vi = rng.choice(pairs)
            for src, lang, marker in ((fr, "fr", "Réf."), (vi, "vi", "Mã số")):
                target = out / f"gen-{k:07d}.{lang}.txt"
                target.write_text(f"{pages[src].rstrip()}\n\n{marker} {k}\n", encoding="utf-8")
                files.append(target)
            continue
        src = rng.choice(singles)
        lang = "vi" if src.name.endswith(".vi.txt") else "fr"
        lines = [
            rng.choice(pool[lang]) if len(ln) >= LONG else ln for ln in pages[src].splitlines()
        ]
        target = out / f"gen-{k:07d}.{lang}.txt"
        target.write_text("\n".join(lines) + f"\n\n{'Mã số' if lang == 'vi' else 'Réf.'} {k}\n")
        files.append(target)
    return files


def _settings(folder: Path) -> Settings:
    folder.mkdir(parents=True)
    for model in MODELS.glob("*.argosmodel"):
        install_file(model, folder / "packages")
    settings = Settings(data_dir=folder, inter_threads=1, intra_threads=1)
    engine = make_engine(settings.resolved_database_url())
    migrate(engine)
    engine.dispose()
    return worker_settings(settings)


def _run(
    label: str, runner: Runner, files: list[Path], settings: Settings, started: float
) -> tuple[BulkReport, dict[str, object]]:
    """Run the job; ``started``: seconds the runner took to start (Ray, workers, models).
    Returns the report and the figures as JSON."""
    load_before = os.getloadavg()[0]
    start = time.perf_counter()
    try:
        report = run_bulk(files, runner, max_bytes=settings.max_page_bytes, translate_to="en")
    finally:
        runner.close()
    total = time.perf_counter() - start
    load_after = os.getloadavg()[0]
    db = settings.data_dir / "triglot.db"
    with sqlite3.connect(db) as conn:  # fold the write-ahead log in before measuring
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = sum(p.stat().st_size for p in db.parent.glob("triglot.db*"))
    print(
        f"\n{label}: {report.stored}/{report.pages} pages, {report.segments} segments, "
        f"{report.cross_pairs} cross-page pairs ({report.stored_alignments} alignments "
        f"stored), {report.translated_segments} translated segments, {len(report.failed)} failed"
    )
    print(f"  load average (1 min) {load_before:.1f} before, {load_after:.1f} after")
    print(f"  start     {started:7.1f} s  (runner and workers ready, page models loaded)")
    print(f"  total     {total:7.1f} s  {report.pages / total:7.2f} pages/s")
    for stage, seconds in report.seconds.items():
        per_page = 1000 * seconds / max(1, report.pages)
        extra = ""
        if stage == "translate":
            extra = f"  {1000 * seconds / max(1, report.translated_segments):6.2f} ms/segment"
        if stage == "ingest":
            extra = f"  {1000 * seconds / max(1, report.segments):6.2f} ms/segment"
        print(
            f"  {stage:9} {seconds:7.1f} s  {report.pages / seconds:7.2f} pages/s  "
            f"{per_page:7.2f} ms/page{extra}"
        )
    peaks = ", ".join(f"{p:.0f}" for p in report.peak_rss_mb)
    print(
        f"  peak memory per worker: {peaks} MiB; database {size / 1e6:.1f} MB "
        f"({size / max(1, report.stored) / 1024:.1f} KiB/page)"
    )
    report.seconds["total"] = total
    figures: dict[str, object] = {
        "pages": report.pages,
        "stored": report.stored,
        "segments": report.segments,
        "translated_segments": report.translated_segments,
        "cross_pairs": report.cross_pairs,
        "stored_alignments": report.stored_alignments,
        "failed": len(report.failed),
        "start_s": round(started, 2),
        "seconds": {k: round(v, 2) for k, v in report.seconds.items()},
        "pages_per_s": round(report.pages / total, 3),
        "peak_rss_mib": [round(p, 1) for p in report.peak_rss_mb],
        "database_bytes": size,
        "load_before": load_before,
        "load_after": load_after,
    }
    return report, figures


def _ray_runs(spec: str, n_pages: int) -> list[tuple[int, int]]:
    """``"2,1:2000"`` -> [(2, n_pages), (1, 2000)]."""
    runs = []
    for item in (w.strip() for w in spec.split(",")):
        if item:
            workers, _, pages = item.partition(":")
            runs.append((int(workers), min(int(pages), n_pages) if pages else n_pages))
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=10_000, help="pages to generate")
    parser.add_argument(
        "--workers", default="1,2", help="Ray runs: W or W:N (W workers, first N pages)"
    )
    parser.add_argument("--no-local", action="store_true", help="skip the in-process run")
    parser.add_argument("--keep", type=Path, help="keep pages and databases in this folder")
    parser.add_argument("--json", type=Path, help="write every run's figures here")
    args = parser.parse_args()
    os.environ.setdefault("RAY_AUTH_MODE", "disabled")
    root = args.keep or Path(tempfile.mkdtemp(prefix="triglot-bulk-bench-"))
    began = time.perf_counter()
    try:
        files = generate(args.pages, root / "pages")
        print(f"{len(files)} pages generated from {CORPUS.name}/ ({os.cpu_count()} CPUs here)")
        results: dict[str, BulkReport] = {}
        figures: dict[str, object] = {
            "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "cpus": os.cpu_count(),
            "pages": len(files),
        }
        if not args.no_local:
            settings = _settings(root / "local")
            t0 = time.perf_counter()
            local = LocalRunner(settings)
            started = time.perf_counter() - t0
            results["local"], figures["local"] = _run(
                "this process", local, files, settings, started
            )
        for n, n_pages in _ray_runs(args.workers, len(files)):
            settings = _settings(root / f"ray{n}-{n_pages}")
            t0 = time.perf_counter()
            runner = RayRunner(
                settings, address="local", workers=n, num_cpus=n, object_store_mb=128
            )
            started = time.perf_counter() - t0
            name = f"ray{n}" if n_pages == len(files) else f"ray{n}:{n_pages}"
            results[name], figures[name] = _run(
                f"Ray, {n} worker(s), {n_pages} pages", runner, files[:n_pages], settings, started
            )
        if "local" in results:
            base = results["local"]
            base_rate = base.pages / base.seconds["total"]
            print("\nspeed-up over this process (pages per second):")
            for name, report in results.items():
                rate = report.pages / report.seconds["total"]
                print(f"  {name:11} {rate / base_rate:5.2f}x  ({rate:.2f} pages/s)")
        wall = time.perf_counter() - began
        figures["wall_s"] = round(wall, 1)
        print(f"\nthe whole bench: {wall / 60:.1f} min")
        if args.json is not None:
            args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
