"""Corpus work as durable jobs: ingest an archive of pages, translate the stored corpus.

- ``ingest-archive``: params ``archive`` (a file name in the data folder's ``archives/``,
  written by :func:`submit_archive`, which checked it first), ``name`` (the upload's name),
  ``kind`` (``zip``/``tar``), ``pages``. Each page is analysed, paired and stored in its own
  transaction (as ``triglot ingest``); a bad page is reported and the others go on. Progress
  counts pages; a resumed job (after a crash or a shutdown) starts after the pages its last
  progress report counted (pages stored twice are stored once anyway: a document is keyed by
  its text). The archive is deleted when the job ends (done, failed or cancelled).
- ``translate-corpus``: params ``target``, ``scope`` (``missing``: stored documents with no
  translation into ``target``; ``all``: every document, replacing what is there), ``glossary``
  (a name, ``none``, or null for TRIGLOT_STORED_GLOSSARY; its current version when each
  document is translated). Documents in id order, one transaction each; a resumed ``missing``
  job finds again what is left, an ``all`` job starts after the documents counted done.
"""

from __future__ import annotations

import logging
import secrets
from pathlib import Path
from typing import Any

from service.align.archive import ArchiveLimits, check_archive, read_pages
from service.align.ingest import ingest_bytes, ingest_html
from service.errors import BadInputError, ServiceError, TooLargeError
from service.jobs.store import Job, JobStore
from service.jobs.worker import Handler, JobContext, WorkerStopping
from service.mt.engine import TranslationEngine
from service.mt.translations import stored_glossary, translate_document
from service.settings import Settings
from service.store.db import private_dir
from service.store.documents import DocumentStore
from service.store.glossaries import GlossaryStore
from service.store.translations import TranslationStore
from service.tm.memory import TranslationMemory

log = logging.getLogger(__name__)

INGEST_ARCHIVE = "ingest-archive"
TRANSLATE_CORPUS = "translate-corpus"
SCOPES = ("missing", "all")
MAX_REPORTED = 100  # failed pages named in a job's result; the rest are counted
_HTML = (".html", ".htm", ".xhtml")


def archives_dir(settings: Settings) -> Path:
    return settings.data_dir / "archives"


def archive_limits(settings: Settings) -> ArchiveLimits:
    return ArchiveLimits(
        max_entries=settings.max_archive_entries,
        max_entry_bytes=max(settings.max_page_bytes, settings.max_html_bytes),
        max_unpacked_bytes=settings.max_archive_unpacked_bytes,
    )


def submit_archive(
    jobs: JobStore, settings: Settings, data: bytes, *, name: str, created_by: str
) -> Job:
    """Keep ``data`` (an archive of pages) in the data folder, check it (4xx with the reason,
    and nothing kept, when it is bad) and queue its ingest job."""
    if len(data) > settings.max_archive_bytes:
        raise TooLargeError(
            f"archive: {len(data)} bytes is over the archive size limit of "
            f"{settings.max_archive_bytes} bytes (TRIGLOT_MAX_ARCHIVE_BYTES)"
        )
    folder = archives_dir(settings)
    private_dir(folder)
    path = folder / f"{secrets.token_hex(12)}.archive"
    path.write_bytes(data)
    try:
        listing = check_archive(path, archive_limits(settings))
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    params = {
        "archive": path.name,
        "name": name,
        "kind": listing.kind,
        "pages": len(listing.pages),
        "skipped_entries": listing.skipped,
    }
    return jobs.submit(INGEST_ARCHIVE, params, created_by=created_by, total=len(listing.pages))


def submit_translation(
    jobs: JobStore,
    glossaries: GlossaryStore,
    settings: Settings,
    *,
    target: str,
    scope: str,
    glossary: str | None,
    created_by: str,
) -> Job:
    """Queue the translation of the stored corpus into ``target`` (the glossary is checked
    now: an unknown one is refused before anything is queued)."""
    if scope not in SCOPES:
        raise BadInputError(f"scope: {scope!r} is not missing or all")
    stored_glossary(glossaries, glossary, settings.stored_glossary)  # 404 for an unknown one
    params = {"target": target, "scope": scope, "glossary": glossary}
    return jobs.submit(TRANSLATE_CORPUS, params, created_by=created_by)


def corpus_handlers(
    settings: Settings,
    *,
    documents: DocumentStore,
    translations: TranslationStore,
    glossaries: GlossaryStore,
    engine: TranslationEngine,
    memory: TranslationMemory | None = None,
) -> dict[str, Handler]:
    def run_ingest(ctx: JobContext) -> dict[str, Any]:
        params = ctx.job.params
        path = archives_dir(settings) / Path(str(params["archive"])).name
        total, start = int(params["pages"]), ctx.job.done
        if not path.exists():
            raise ServiceError(f"the archive {params['name']!r} is gone from {path.parent}")
        counts = {"stored": 0, "created": 0, "failed": 0}
        failed: list[dict[str, str]] = []
        ctx.progress(start, total)
        done = start
        max_bytes = max(settings.max_page_bytes, settings.max_html_bytes)
        try:
            for name, data in read_pages(
                path, str(params["kind"]), max_entry_bytes=max_bytes, skip=start
            ):
                label = Path(name).name
                try:
                    if name.lower().endswith(_HTML):
                        _doc, created = ingest_html(
                            documents, data, name=label, max_bytes=max_bytes
                        )
                    else:
                        _doc, created = ingest_bytes(
                            documents, data, name=label, max_bytes=settings.max_page_bytes
                        )
                except ServiceError as exc:
                    counts["failed"] += 1
                    if len(failed) < MAX_REPORTED:
                        failed.append({"entry": name, "error": str(exc)})
                else:
                    counts["stored"] += 1
                    counts["created"] += int(created)
                done += 1
                ctx.partial = {**counts, "failures": failed, "resumed_at": start}
                ctx.progress(done, total)
        except WorkerStopping:
            raise  # the job resumes later: its archive stays
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        path.unlink(missing_ok=True)
        return {**counts, "pages": total, "failures": failed, "resumed_at": start}

    def run_translate(ctx: JobContext) -> dict[str, Any]:
        params = ctx.job.params
        target, scope = str(params["target"]), str(params["scope"])
        ids = documents.ids()
        if scope == "missing":
            have = translations.documents_with(target)
            ids = [i for i in ids if i not in have]
            start = 0
        else:
            start = min(ctx.job.done, len(ids))
        total = len(ids)
        counts = {"documents": 0, "segments": 0, "failed": 0}
        failed: list[dict[str, Any]] = []
        ctx.progress(start, total)
        for k, doc_id in enumerate(ids[start:], start=start):
            chosen = stored_glossary(glossaries, params["glossary"], settings.stored_glossary)
            try:
                out = translate_document(
                    documents,
                    translations,
                    engine,
                    doc_id,
                    tgt_lang=target,
                    glossary=chosen,
                    memory=memory,
                )
            except ServiceError as exc:
                counts["failed"] += 1
                if len(failed) < MAX_REPORTED:
                    failed.append({"document": doc_id, "error": str(exc)})
            else:
                counts["documents"] += 1
                counts["segments"] += len(out)
            ctx.partial = {**counts, "failures": failed}
            ctx.progress(k + 1, total)
        return {**counts, "failures": failed, "resumed_at": start}

    return {INGEST_ARCHIVE: run_ingest, TRANSLATE_CORPUS: run_translate}
