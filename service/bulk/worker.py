"""What one bulk worker does with a batch: the same code in this process and in a Ray actor.

A worker opens its own database pool and, on first use, its own translation engine (loaded
once, kept for every later batch). Batches are lists; each item's outcome is reported, a bad
page does not stop the others, and each document is written in its own transaction.
"""

from __future__ import annotations

import resource
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from service.errors import ServiceError
from service.settings import Settings

if TYPE_CHECKING:
    from service.mt.argos import ArgosEngine
    from service.store.documents import StoredDocument

HTML_SUFFIXES = (".html", ".htm", ".xhtml")


@dataclass(frozen=True, slots=True)
class PageItem:
    """A page file read by the driver: its path (as the driver names it), its name (stored
    with the document) and its bytes."""

    path: str
    name: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Ingested:
    path: str
    name: str
    doc_id: int | None
    created: bool
    lang: str | None
    source_url: str | None
    n_segments: int
    n_pairs: int
    error: str | None


@dataclass(frozen=True, slots=True)
class Aligned:
    """Pairs across a French page and its stored Vietnamese original (``vi_id`` None: no
    original stored); ``pairs`` as the API's ``PairOut`` JSON; ``alignment_id``: the
    ``cross-page`` alignment that stores them (None: the two were linked before)."""

    fr_id: int
    vi_id: int | None
    pairs: tuple[dict[str, Any], ...]
    error: str | None
    alignment_id: int | None = None


@dataclass(frozen=True, slots=True)
class Translated:
    doc_id: int
    n_segments: int
    error: str | None


class BulkWorker:
    """Stores and (lazily) a translation engine for one worker process.

    ``settings`` must hold absolute paths and a database every worker can reach (the driver
    resolves them: see :func:`service.bulk.jobs.worker_settings`)."""

    def __init__(self, settings: Settings) -> None:
        from aligner.page import prepare  # noqa: PLC0415
        from service.align.langid_cache import install  # noqa: PLC0415
        from service.store.alignments import AlignmentStore  # noqa: PLC0415
        from service.store.db import make_engine  # noqa: PLC0415
        from service.store.documents import DocumentStore  # noqa: PLC0415
        from service.store.translations import TranslationStore  # noqa: PLC0415

        self._settings = settings
        install(settings.resolved_cache_dir())
        prepare()
        self._db = make_engine(settings.resolved_database_url())
        self._documents = DocumentStore(self._db)
        self._alignments = AlignmentStore(self._db)
        self._translations = TranslationStore(self._db)
        self._engine: ArgosEngine | None = None

    def ingest(self, items: list[PageItem]) -> list[Ingested]:
        """Analyse, pair and store each page (one transaction each)."""
        from service.align.ingest import ingest_bytes, ingest_html  # noqa: PLC0415

        out = []
        max_bytes = self._settings.max_page_bytes
        for item in items:
            try:
                if item.name.lower().endswith(HTML_SUFFIXES):
                    doc, created = ingest_html(
                        self._documents,
                        item.data,
                        name=item.name,
                        max_bytes=max(max_bytes, self._settings.max_html_bytes),
                    )
                else:
                    doc, created = ingest_bytes(
                        self._documents, item.data, name=item.name, max_bytes=max_bytes
                    )
            except ServiceError as exc:
                out.append(Ingested(item.path, item.name, None, False, None, None, 0, 0, str(exc)))
                continue
            # Not linked here: the job's align stage stores each French page's cross-page
            # pairs once every page is in (pairing at ingest too would compute them twice).
            meta = doc.page.meta
            out.append(
                Ingested(
                    item.path,
                    item.name,
                    doc.id,
                    created,
                    meta.lang,
                    meta.source_url,
                    len(doc.page.segments),
                    len(doc.pairs),
                    None,
                )
            )
        return out

    def align(self, todo: list[tuple[int, int | None]]) -> list[Aligned]:
        """Pairs across each French document and its Vietnamese original: the one given
        (``(fr_id, vi_id)``), else (``(fr_id, None)``) the stored page whose source URL is the
        one the French ``Source:`` line names (headline, lead, then the body by beads).
        The pairs are stored as the two documents' ``cross-page`` alignment (one transaction;
        once per pair of documents), as the service stores linked pages."""
        from aligner import AlignerError  # noqa: PLC0415
        from aligner.pairs import page_pairs  # noqa: PLC0415
        from service.align.links import store_link  # noqa: PLC0415
        from service.align.shapes import pair_out  # noqa: PLC0415

        out = []
        for fr_id, vi_id in todo:
            try:
                fr = self._documents.get(fr_id)
                url = fr.page.meta.source_url
                vi: StoredDocument | None
                if vi_id is not None:
                    vi = self._documents.get(vi_id)
                else:
                    vi = self._documents.find_by_url(url, lang="vi") if url else None
                if vi is None:
                    out.append(Aligned(fr_id, None, (), None))
                    continue
                found = page_pairs(vi.page, fr.page)
                stored = store_link(self._alignments, vi, fr, found)
                pairs = tuple(
                    pair_out(p, vi_file=vi.name, fr_file=fr.name).model_dump(mode="json")
                    for p in found
                )
                out.append(
                    Aligned(fr_id, vi.id, pairs, None, stored.id if stored is not None else None)
                )
            except (ServiceError, AlignerError) as exc:
                out.append(Aligned(fr_id, None, (), str(exc)))
        return out

    def translate(self, doc_ids: list[int], tgt_lang: str) -> list[Translated]:
        """Translate and store each document's French and Vietnamese segments: the whole
        batch's texts in one engine call per language (fuller batches for CTranslate2), each
        document stored in its own transaction. If that fails, document by document, so that
        the failing ones are named and the others stored."""
        from service.mt.translations import (  # noqa: PLC0415
            translate_document,
            translate_documents,
        )

        engine = self._translator()
        try:
            done = translate_documents(
                self._documents, self._translations, engine, doc_ids, tgt_lang=tgt_lang
            )
        except ServiceError:
            pass
        else:
            return [Translated(doc_id, len(done[doc_id]), None) for doc_id in doc_ids]
        out = []
        for doc_id in doc_ids:
            try:
                rows = translate_document(
                    self._documents, self._translations, engine, doc_id, tgt_lang=tgt_lang
                )
            except ServiceError as exc:
                out.append(Translated(doc_id, 0, str(exc)))
            else:
                out.append(Translated(doc_id, len(rows), None))
        return out

    def peak_rss_mb(self) -> float:
        """This process's peak resident memory, in MiB (Linux reports KiB)."""
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    def close(self) -> None:
        self._db.dispose()

    def _translator(self) -> ArgosEngine:
        if self._engine is None:
            from service.mt.argos import ArgosEngine  # noqa: PLC0415

            s = self._settings
            self._engine = ArgosEngine(
                s.resolved_packages_dir(),
                s.data_dir / "argos",
                compute_type=s.compute_type,
                inter_threads=s.inter_threads,
                intra_threads=s.intra_threads,
            )
        return self._engine
