"""Stored alignments and their units: one transaction per alignment, stored whole or not at
all. Kinds: ``beads`` (two texts aligned sentence by sentence), ``cross-page`` (a Vietnamese
original and its French version, linked by the ``Source:`` URL), ``tmx`` (an imported file)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from service.errors import NotFoundError
from service.store.db import AlignmentRow, AlignmentUnitRow, utc

ALIGNMENT_KINDS = ("beads", "cross-page", "tmx")
SEGTYPES = ("block", "paragraph", "sentence", "phrase")
_BATCH = 1000


@dataclass(frozen=True, slots=True)
class AlignedUnit:
    """One bead or pair: texts in ``src_lang``/``tgt_lang``, the indices they stand at, the
    calibrated score (None when unknown), how it was found, and its TMX segment type."""

    src_lang: str
    tgt_lang: str
    src_text: str
    tgt_text: str
    src_idx: tuple[int, ...] = ()
    tgt_idx: tuple[int, ...] = ()
    score: float | None = None
    basis: str = ""
    segtype: str = "sentence"


@dataclass(frozen=True, slots=True)
class NewAlignment:
    kind: str
    src_lang: str
    tgt_lang: str
    units: Sequence[AlignedUnit]
    name: str | None = None
    src_document_id: int | None = None
    tgt_document_id: int | None = None
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AlignmentSummary:
    id: int
    kind: str
    name: str | None
    src_lang: str
    tgt_lang: str
    src_document_id: int | None
    tgt_document_id: int | None
    n_units: int
    meta: dict[str, Any]
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class StoredUnit:
    alignment_id: int
    idx: int
    unit: AlignedUnit


class AlignmentStore:
    """Alignments in the database behind ``engine``."""

    def __init__(self, engine: Engine) -> None:
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def add(self, new: NewAlignment) -> AlignmentSummary:
        """Store ``new`` and its units in one transaction; returns its summary."""
        if new.kind not in ALIGNMENT_KINDS:
            raise ValueError(f"unknown alignment kind {new.kind!r}")
        with self._sessions.begin() as session:
            row = AlignmentRow(
                kind=new.kind,
                name=new.name,
                src_lang=new.src_lang,
                tgt_lang=new.tgt_lang,
                src_document_id=new.src_document_id,
                tgt_document_id=new.tgt_document_id,
                n_units=len(new.units),
                meta=dict(new.meta),
                created_at=dt.datetime.now(dt.UTC),
            )
            session.add(row)
            session.flush()
            for start in range(0, len(new.units), _BATCH):
                session.add_all(
                    AlignmentUnitRow(
                        alignment_id=row.id,
                        idx=start + i,
                        src_lang=u.src_lang,
                        tgt_lang=u.tgt_lang,
                        src_text=u.src_text,
                        tgt_text=u.tgt_text,
                        src_idx=list(u.src_idx),
                        tgt_idx=list(u.tgt_idx),
                        score=u.score,
                        basis=u.basis,
                        segtype=u.segtype,
                    )
                    for i, u in enumerate(new.units[start : start + _BATCH])
                )
                session.flush()
            return _summary(row)

    def get(self, alignment_id: int) -> AlignmentSummary:
        """The alignment ``alignment_id``; :class:`NotFoundError` if there is none."""
        with self._sessions() as session:
            row = session.get(AlignmentRow, alignment_id)
            if row is None:
                raise NotFoundError(f"no alignment with id {alignment_id}")
            return _summary(row)

    def units(
        self, alignment_id: int, *, offset: int = 0, limit: int | None = None
    ) -> list[AlignedUnit]:
        """The units of one alignment in order (``NotFoundError`` for an unknown id)."""
        self.get(alignment_id)
        query = (
            select(AlignmentUnitRow)
            .where(AlignmentUnitRow.alignment_id == alignment_id)
            .order_by(AlignmentUnitRow.idx)
            .offset(offset)
        )
        if limit is not None:
            query = query.limit(limit)
        with self._sessions() as session:
            return [_unit(r) for r in session.scalars(query)]

    def iter_units(
        self, *, alignments: frozenset[int] | None = None, documents: frozenset[int] | None = None
    ) -> Iterator[StoredUnit]:
        """Every stored unit (of ``alignments``, or of alignments linked to ``documents``), in
        alignment then unit order, read in batches so that memory stays flat."""
        last = (0, -1)
        while True:
            query = select(AlignmentUnitRow).join(AlignmentRow)
            if alignments is not None:
                query = query.where(AlignmentRow.id.in_(alignments))
            if documents is not None:
                query = query.where(
                    AlignmentRow.src_document_id.in_(documents)
                    | AlignmentRow.tgt_document_id.in_(documents)
                )
            query = (
                query.where(
                    (AlignmentUnitRow.alignment_id > last[0])
                    | (
                        (AlignmentUnitRow.alignment_id == last[0])
                        & (AlignmentUnitRow.idx > last[1])
                    )
                )
                .order_by(AlignmentUnitRow.alignment_id, AlignmentUnitRow.idx)
                .limit(_BATCH * 5)
            )
            with self._sessions() as session:
                rows = list(session.scalars(query))
            if not rows:
                return
            for r in rows:
                yield StoredUnit(r.alignment_id, r.idx, _unit(r))
            last = (rows[-1].alignment_id, rows[-1].idx)

    def linked(self, kind: str) -> set[tuple[int | None, int | None]]:
        """The (source, target) document ids of the stored alignments of ``kind``."""
        with self._sessions() as session:
            rows = session.execute(
                select(AlignmentRow.src_document_id, AlignmentRow.tgt_document_id).where(
                    AlignmentRow.kind == kind
                )
            ).all()
            return {(a, b) for a, b in rows}

    def stamp(self) -> tuple[int, int]:
        """(number of alignments, highest id): changes whenever one is added or removed."""
        with self._sessions() as session:
            n, top = session.execute(
                select(func.count(), func.coalesce(func.max(AlignmentRow.id), 0))
            ).one()
            return int(n), int(top)

    def list(
        self, *, offset: int = 0, limit: int = 50, kind: str | None = None
    ) -> tuple[list[AlignmentSummary], int]:
        """A page of alignments in id order, and how many there are (of ``kind``)."""
        query = select(AlignmentRow)
        count = select(func.count()).select_from(AlignmentRow)
        if kind is not None:
            query = query.where(AlignmentRow.kind == kind)
            count = count.where(AlignmentRow.kind == kind)
        with self._sessions() as session:
            total = int(session.scalar(count) or 0)
            rows = session.scalars(query.order_by(AlignmentRow.id).offset(offset).limit(limit))
            return [_summary(r) for r in rows], total

    def for_document(
        self, doc_id: int, *, limit: int = 20
    ) -> tuple[tuple[AlignmentSummary, ...], int]:
        """The first ``limit`` alignments linked to document ``doc_id`` (as source or target),
        in id order, and how many there are."""
        linked = (AlignmentRow.src_document_id == doc_id) | (AlignmentRow.tgt_document_id == doc_id)
        with self._sessions() as session:
            total = int(
                session.scalar(select(func.count()).select_from(AlignmentRow).where(linked)) or 0
            )
            rows = session.scalars(
                select(AlignmentRow).where(linked).order_by(AlignmentRow.id).limit(limit)
            )
            return tuple(_summary(r) for r in rows), total


def _summary(row: AlignmentRow) -> AlignmentSummary:
    return AlignmentSummary(
        id=row.id,
        kind=row.kind,
        name=row.name,
        src_lang=row.src_lang,
        tgt_lang=row.tgt_lang,
        src_document_id=row.src_document_id,
        tgt_document_id=row.tgt_document_id,
        n_units=row.n_units,
        meta=dict(row.meta),
        created_at=utc(row.created_at),
    )


def _unit(row: AlignmentUnitRow) -> AlignedUnit:
    return AlignedUnit(
        src_lang=row.src_lang,
        tgt_lang=row.tgt_lang,
        src_text=row.src_text,
        tgt_text=row.tgt_text,
        src_idx=tuple(row.src_idx),
        tgt_idx=tuple(row.tgt_idx),
        score=row.score,
        basis=row.basis,
        segtype=row.segtype,
    )
