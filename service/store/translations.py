"""Stored translations of documents' segments, with their provenance: one row per (document,
segment, target language), replaced whole per document and language.

Each row says which glossary version made it (``glossary_name``, ``glossary_number``) and
whether it is ``stale``: made with an older version than the glossary's current one (set by
the glossary store when a version is approved; cleared when the document is re-translated)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker
from sqlalchemy.sql import ColumnElement

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
    glossary_name: str | None = None
    glossary_number: int | None = None
    stale: bool = False


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
                    glossary_name=t.glossary_name,
                    glossary_number=t.glossary_number,
                    stale=t.stale,
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

    def documents_with(self, tgt_lang: str) -> set[int]:
        """The ids of the documents holding translations into ``tgt_lang``."""
        with self._sessions() as session:
            return set(
                session.scalars(
                    select(TranslationRow.document_id)
                    .where(TranslationRow.tgt_lang == tgt_lang)
                    .distinct()
                )
            )

    def stale(self, glossary: str, *, limit: int = 1000) -> list[tuple[int, str]]:
        """Up to ``limit`` (document id, target language) holding stale English made with
        ``glossary``, in document order."""
        with self._sessions() as session:
            rows = session.execute(
                select(TranslationRow.document_id, TranslationRow.tgt_lang)
                .where(TranslationRow.glossary_name == glossary, TranslationRow.stale.is_(True))
                .distinct()
                .order_by(TranslationRow.document_id, TranslationRow.tgt_lang)
                .limit(limit)
            ).all()
            return [(r.document_id, r.tgt_lang) for r in rows]

    def count_stale(self, glossary: str | None = None) -> int:
        """How many (document, target language) hold stale English (of ``glossary``)."""
        with self._sessions() as session:
            where: list[ColumnElement[bool]] = [TranslationRow.stale.is_(True)]
            if glossary is not None:
                where.append(TranslationRow.glossary_name == glossary)
            inner = (
                select(TranslationRow.document_id, TranslationRow.tgt_lang)
                .where(*where)
                .distinct()
                .subquery()
            )
            return session.scalar(select(func.count()).select_from(inner)) or 0
