"""English (or another language) for stored documents: translate segments, store with
provenance, one transaction per document."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from glossary import Glossary
from glossary.enforcement import enforce
from service.mt.engine import Translated, TranslationEngine
from service.store.db import DocumentRow, TranslationRow, writer
from service.store.documents import DocumentStore

TRANSLATED_LANGS = ("fr", "vi", "en")


@dataclass(frozen=True, slots=True)
class SegmentTranslation:
    segment_idx: int
    src_lang: str
    tgt_lang: str
    source: str
    text: str
    engine: str
    packages: tuple[str, ...]
    pivot: str | None
    glossary_version: str | None
    created_at: dt.datetime


class TranslationStore:
    def __init__(self, engine: Engine) -> None:
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._writes = sessionmaker(writer(engine), expire_on_commit=False)

    def replace(self, doc_id: int, tgt_lang: str, items: list[SegmentTranslation]) -> None:
        """Store ``items`` as the document's translations into ``tgt_lang`` (all or nothing).

        Concurrent replacements of one document are serialised (its row locked on PostgreSQL,
        the write lock taken first on SQLite), so the last one wins whole instead of two
        inserts colliding on the unique (document, segment, language) key."""
        with self._writes.begin() as session:
            session.execute(
                select(DocumentRow.id).where(DocumentRow.id == doc_id).with_for_update()
            )
            session.execute(
                delete(TranslationRow).where(
                    TranslationRow.document_id == doc_id, TranslationRow.tgt_lang == tgt_lang
                )
            )
            session.add_all(
                TranslationRow(
                    document_id=doc_id,
                    segment_idx=t.segment_idx,
                    src_lang=t.src_lang,
                    tgt_lang=t.tgt_lang,
                    text=t.text,
                    engine=t.engine,
                    packages=list(t.packages),
                    pivot=t.pivot,
                    glossary_version=t.glossary_version,
                    created_at=t.created_at,
                )
                for t in items
            )

    def get(self, doc_id: int, tgt_lang: str) -> dict[int, TranslationRow]:
        with self._sessions() as session:
            rows = session.scalars(
                select(TranslationRow).where(
                    TranslationRow.document_id == doc_id, TranslationRow.tgt_lang == tgt_lang
                )
            ).all()
            return {r.segment_idx: r for r in rows}


def translate_document(
    documents: DocumentStore,
    store: TranslationStore,
    engine: TranslationEngine,
    doc_id: int,
    *,
    tgt_lang: str = "en",
    glossary: tuple[Glossary, int] | None = None,
    progress: Callable[[int], object] | None = None,
) -> list[SegmentTranslation]:
    """Translate every French and Vietnamese segment (but the source URL line) of a document
    into ``tgt_lang`` and store the results; with ``glossary`` (a glossary and its version
    number), its terms are enforced and the version recorded. Repeated texts are translated
    once. Raises the engine's error (with the missing pair named) before anything is stored."""
    doc = documents.get(doc_id)
    by_lang: dict[str, list[int]] = {}
    for seg in doc.page.segments:
        # A source line is a URL: nothing to translate.
        if seg.lang in TRANSLATED_LANGS and seg.lang != tgt_lang and seg.kind != "source":
            by_lang.setdefault(seg.lang, []).append(seg.idx)
    now = dt.datetime.now(dt.UTC)
    out: list[SegmentTranslation] = []
    for src_lang, idxs in sorted(by_lang.items()):
        unique = list(dict.fromkeys(doc.page.segments[i].text for i in idxs))
        done = dict(
            zip(unique, _translate(engine, unique, src_lang, tgt_lang, glossary), strict=True)
        )
        for i in idxs:
            seg = doc.page.segments[i]
            result = done[seg.text]
            out.append(
                SegmentTranslation(
                    segment_idx=i,
                    src_lang=src_lang,
                    tgt_lang=tgt_lang,
                    source=seg.text,
                    text=result.text,
                    engine=result.provenance.engine,
                    packages=result.provenance.packages,
                    pivot=result.provenance.pivot,
                    glossary_version=(
                        f"{glossary[0].name}@{glossary[1]}" if glossary is not None else None
                    ),
                    created_at=now,
                )
            )
        if progress is not None:
            progress(len(idxs))
    out.sort(key=lambda t: t.segment_idx)
    store.replace(doc_id, tgt_lang, out)
    return out


def _translate(
    engine: TranslationEngine,
    texts: list[str],
    src_lang: str,
    tgt_lang: str,
    glossary: tuple[Glossary, int] | None,
) -> list[Translated]:
    if glossary is None:
        return engine.translate(texts, src_lang=src_lang, tgt_lang=tgt_lang)
    seen: list[Translated] = []

    def run(batch: list[str]) -> list[str]:
        done = engine.translate(batch, src_lang=src_lang, tgt_lang=tgt_lang)
        seen.extend(done)
        return [d.text for d in done]

    enforced = enforce(glossary[0], texts, src_lang=src_lang, tgt_lang=tgt_lang, translate=run)
    return [Translated(e.text, (), seen[0].provenance) for e in enforced]
