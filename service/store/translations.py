"""Stored translations of documents' segments, with their provenance: one row per (document,
segment, target language), replaced whole per document and language."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from service.store.db import DocumentRow, TranslationRow, writer


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
