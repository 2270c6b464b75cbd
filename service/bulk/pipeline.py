"""A bulk job: pages -> stored documents (analysis and pairs) -> cross-page alignments of
French pages with their stored Vietnamese originals (stored, as ``cross-page`` alignments)
-> stored translations.

Stages run one after the other (a French page is aligned only once every page, its original
included, is stored); inside a stage, batches run on the runner's workers in any order.
Every page is reported: stored, already stored, or refused with the reason.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from service.bulk.runners import Runner
from service.bulk.worker import Aligned, Ingested, PageItem, Translated
from service.settings import Settings


@dataclass
class BulkReport:
    """What a job did; ``seconds``: wall time of each stage; ``peak_rss_mb``: per worker."""

    pages: int = 0
    stored: int = 0
    created: int = 0
    segments: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    aligned_documents: int = 0
    cross_pairs: int = 0
    stored_alignments: int = 0
    """``cross-page`` alignments stored by this job (pages linked before are not counted)."""
    translated_documents: int = 0
    translated_segments: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    peak_rss_mb: list[float] = field(default_factory=list)


def worker_settings(settings: Settings) -> Settings:
    """``settings`` with every path absolute and the database URL spelt out, as workers in
    other processes (other machines: then the database must be PostgreSQL) need them."""
    data_dir = settings.data_dir.resolve()
    return settings.model_copy(
        update={
            "data_dir": data_dir,
            "database_url": settings.resolved_database_url(),
            "cache_dir": settings.resolved_cache_dir().resolve(),
            "packages_dir": settings.resolved_packages_dir().resolve(),
        }
    )


def page_batches(
    files: Iterable[Path], *, batch_size: int, max_bytes: int, failed: list[tuple[str, str]]
) -> Iterator[tuple[list[PageItem]]]:
    """Files read ``batch_size`` at a time (at most ``max_bytes`` + 1 bytes each, so that an
    oversized file is refused by the worker without being read whole); unreadable files go to
    ``failed``."""
    batch: list[PageItem] = []
    for path in files:
        try:
            with path.open("rb") as fh:
                batch.append(PageItem(str(path), path.name, fh.read(max_bytes + 1)))
        except OSError as exc:
            failed.append((str(path), exc.strerror or str(exc)))
            continue
        if len(batch) >= batch_size:
            yield (batch,)
            batch = []
    if batch:
        yield (batch,)


def originals(docs: dict[int, Ingested]) -> list[tuple[int, int | None]]:
    """Each French document with its Vietnamese original among ``docs``: the file beside it
    named alike (``X.fr.txt`` and ``X.vi.txt``, the corpus' convention), else None (then the
    worker looks for a stored page whose URL the French ``Source:`` line names)."""
    vi_by_stem: dict[tuple[str, str], int] = {}
    for doc_id, doc in docs.items():
        stem = _stem(doc.path, "vi")
        if doc.lang == "vi" and stem is not None:
            vi_by_stem[stem] = doc_id
    out: list[tuple[int, int | None]] = []
    for doc_id, doc in sorted(docs.items()):
        if doc.lang != "fr":
            continue
        stem = _stem(doc.path, "fr")
        vi_id = vi_by_stem.get(stem) if stem is not None else None
        if vi_id is not None or doc.source_url:
            out.append((doc_id, vi_id))
    return out


def _stem(path: str, lang: str) -> tuple[str, str] | None:
    """``(folder, X)`` for ``folder/X.<lang>.<suffix>``; None for other names."""
    p = Path(path)
    inner = Path(p.stem)
    if inner.suffix != f".{lang}":
        return None
    return str(p.parent), inner.stem


def _chunks(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def run_bulk(
    files: list[Path],
    runner: Runner,
    *,
    max_bytes: int,
    batch_size: int = 32,
    align: bool = True,
    translate_to: str | None = None,
    on_aligned: Callable[[Aligned], object] | None = None,
    progress: Callable[[str, int], object] | None = None,
) -> BulkReport:
    """Ingest ``files``, then (``align``) pair each French page with its stored Vietnamese
    original, then (``translate_to``) translate every stored page; ``progress(stage, n)`` is
    called as batches of ``n`` items end."""
    report = BulkReport(pages=len(files))

    def tick(stage: str, n: int) -> None:
        if progress is not None:
            progress(stage, n)

    start = time.perf_counter()
    docs: dict[int, Ingested] = {}
    batches = page_batches(files, batch_size=batch_size, max_bytes=max_bytes, failed=report.failed)
    for outcomes in runner.map("ingest", batches):
        for item in outcomes:
            if item.doc_id is None:
                report.failed.append((item.name, item.error or "not stored"))
                continue
            report.stored += 1
            report.created += int(item.created)
            if item.doc_id not in docs:
                report.segments += item.n_segments
            docs[item.doc_id] = item
        tick("ingest", len(outcomes))
    report.seconds["ingest"] = time.perf_counter() - start

    if align:
        start = time.perf_counter()
        todo = originals(docs)
        aligned_batches = ((todo[k : k + batch_size],) for k in range(0, len(todo), batch_size))
        for results in runner.map("align", aligned_batches):
            for result in results:
                if result.error is not None:
                    report.failed.append((f"document {result.fr_id}", result.error))
                elif result.vi_id is not None:
                    report.aligned_documents += 1
                    report.cross_pairs += len(result.pairs)
                    report.stored_alignments += int(result.alignment_id is not None)
                    if on_aligned is not None:
                        on_aligned(result)
            tick("align", len(results))
        report.seconds["align"] = time.perf_counter() - start

    if translate_to is not None:
        start = time.perf_counter()
        ids = sorted(docs)
        for done in runner.map(
            "translate", ((chunk, translate_to) for chunk in _chunks(ids, batch_size))
        ):
            for item in done:
                if item.error is not None:
                    report.failed.append((f"document {item.doc_id}", item.error))
                else:
                    report.translated_documents += 1
                    report.translated_segments += item.n_segments
            tick("translate", len(done))
        report.seconds["translate"] = time.perf_counter() - start

    report.peak_rss_mb = runner.peak_rss_mb()
    return report


__all__ = ["Aligned", "BulkReport", "Ingested", "Translated", "run_bulk", "worker_settings"]
