"""Stored documents: one transaction per document, so a page is stored whole or not at all."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload, sessionmaker

from aligner import Page, PageMeta, RepeatGroup, Segment
from aligner.pairs import AlignedPair, Evidence, Unit
from service.errors import NotFoundError
from service.store.db import DocumentHtmlRow, DocumentRow, PairRow, SegmentRow, utc


@dataclass(frozen=True, slots=True)
class StoredDocument:
    """A page as stored: its id, name, content hash and analysis."""

    id: int
    name: str | None
    sha256: str
    created_at: dt.datetime
    page: Page
    pairs: tuple[AlignedPair, ...]


@dataclass(frozen=True, slots=True)
class HtmlSource:
    """The HTML of a page ingested as HTML: markup, charset, and for each line of the text
    the element's tree path and the line's ``start``/``end`` offsets in the text."""

    html: str
    charset: str
    lines: tuple[tuple[str, int, int], ...]


@dataclass(frozen=True, slots=True)
class DocumentSummary:
    id: int
    name: str | None
    lang: str
    source_url: str | None
    title: str | None
    n_segments: int
    created_at: dt.datetime


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class DocumentStore:
    """Documents and their segments in the database behind ``engine``."""

    def __init__(self, engine: Engine) -> None:
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def add(
        self,
        page: Page,
        *,
        name: str | None = None,
        pairs: tuple[AlignedPair, ...] = (),
        html: HtmlSource | None = None,
    ) -> tuple[StoredDocument, bool]:
        """Store ``page`` and its pairs (and the HTML it came from); if the same text is stored
        already, return that one.

        Returns the stored document and whether it was created by this call.
        """
        digest = content_hash(page.text)
        existing = self._find_by_hash(digest)
        if existing is not None:
            return existing, False
        row = DocumentRow(
            sha256=digest,
            name=name,
            text=page.text,
            lang=page.meta.lang,
            source_url=page.meta.source_url,
            meta=_meta_to_json(page.meta),
            created_at=dt.datetime.now(dt.UTC),
            segments=[SegmentRow(**dataclasses.asdict(s)) for s in page.segments],
            pairs=[
                PairRow(
                    idx=k,
                    method=p.method,
                    score=p.score,
                    vi=dataclasses.asdict(p.vi),
                    fr=dataclasses.asdict(p.fr),
                    fr_focus=p.fr_focus,
                    evidence=[dataclasses.asdict(e) for e in p.evidence],
                    basis=p.basis,
                )
                for k, p in enumerate(pairs)
            ],
        )
        try:
            with self._sessions.begin() as session:
                session.add(row)
                session.flush()
                doc_id = row.id
                if html is not None:
                    session.add(
                        DocumentHtmlRow(
                            document_id=doc_id,
                            html=html.html,
                            charset=html.charset,
                            lines=[list(line) for line in html.lines],
                        )
                    )
        except IntegrityError:
            # Another writer stored the same text between our check and our insert.
            existing = self._find_by_hash(digest)
            if existing is None:
                raise
            return existing, False
        return self.get(doc_id), True

    def html(self, doc_id: int) -> HtmlSource | None:
        """The HTML ``doc_id`` was extracted from, or None for a text page;
        :class:`NotFoundError` if there is no such document."""
        with self._sessions() as session:
            if session.get(DocumentRow, doc_id) is None:
                raise NotFoundError(f"no document with id {doc_id}")
            row = session.get(DocumentHtmlRow, doc_id)
            if row is None:
                return None
            return HtmlSource(
                row.html, row.charset, tuple((str(p), int(a), int(b)) for p, a, b in row.lines)
            )

    def find_by_url(self, url: str, *, lang: str) -> StoredDocument | None:
        """The first document in ``lang`` stored with ``url`` as its source URL, if any."""
        with self._sessions() as session:
            doc_id = session.scalar(
                select(DocumentRow.id)
                .where(DocumentRow.source_url == url, DocumentRow.lang == lang)
                .order_by(DocumentRow.id)
                .limit(1)
            )
        return None if doc_id is None else self.get(doc_id)

    def get(self, doc_id: int) -> StoredDocument:
        """The document with id ``doc_id``; :class:`NotFoundError` if there is none."""
        with self._sessions() as session:
            row = session.get(
                DocumentRow,
                doc_id,
                options=[selectinload(DocumentRow.segments), selectinload(DocumentRow.pairs)],
            )
            if row is None:
                raise NotFoundError(f"no document with id {doc_id}")
            return _to_stored(row)

    def list(self, *, offset: int = 0, limit: int = 50) -> tuple[list[DocumentSummary], int]:
        """A page of document summaries in id order, and the total number of documents."""
        with self._sessions() as session:
            total = session.scalar(select(func.count()).select_from(DocumentRow)) or 0
            counts = (
                select(SegmentRow.document_id, func.count().label("n"))
                .group_by(SegmentRow.document_id)
                .subquery()
            )
            rows = session.execute(
                select(DocumentRow, func.coalesce(counts.c.n, 0))
                .outerjoin(counts, counts.c.document_id == DocumentRow.id)
                .order_by(DocumentRow.id)
                .offset(offset)
                .limit(limit)
            ).all()
            items = [
                DocumentSummary(
                    id=row.id,
                    name=row.name,
                    lang=row.lang,
                    source_url=row.source_url,
                    title=_title(row.meta),
                    n_segments=int(n),
                    created_at=utc(row.created_at),
                )
                for row, n in rows
            ]
            return items, int(total)

    def source_urls(self, langs: tuple[str, ...]) -> tuple[tuple[int, str, str], ...]:
        """(id, lang, source URL) of every document in ``langs`` stored with a source URL, in
        id order: one light query (no page loaded)."""
        with self._sessions() as session:
            rows = session.execute(
                select(DocumentRow.id, DocumentRow.lang, DocumentRow.source_url)
                .where(DocumentRow.lang.in_(langs), DocumentRow.source_url.is_not(None))
                .order_by(DocumentRow.id)
            ).all()
        return tuple((int(i), str(lang), str(url)) for i, lang, url in rows)

    def ids(self) -> Sequence[int]:
        """Every stored document's id, in id order."""
        with self._sessions() as session:
            return session.scalars(select(DocumentRow.id).order_by(DocumentRow.id)).all()

    def count(self) -> int:
        with self._sessions() as session:
            return int(session.scalar(select(func.count()).select_from(DocumentRow)) or 0)

    def _find_by_hash(self, digest: str) -> StoredDocument | None:
        with self._sessions() as session:
            row = _load_by_hash(session, digest)
            return _to_stored(row) if row is not None else None


def _load_by_hash(session: Session, digest: str) -> DocumentRow | None:
    return session.scalars(
        select(DocumentRow)
        .where(DocumentRow.sha256 == digest)
        .options(selectinload(DocumentRow.segments), selectinload(DocumentRow.pairs))
    ).one_or_none()


def _meta_to_json(meta: PageMeta) -> dict[str, Any]:
    data = dataclasses.asdict(meta)
    data["slug_words"] = list(meta.slug_words)
    return data


def _meta_from_json(data: dict[str, Any]) -> PageMeta:
    fields = {f.name for f in dataclasses.fields(PageMeta)}
    kwargs = {k: v for k, v in data.items() if k in fields}
    kwargs["slug_words"] = tuple(kwargs.get("slug_words", ()))
    return PageMeta(**kwargs)


def _title(meta: dict[str, Any]) -> str | None:
    titles = meta.get("titles") or {}
    lang = meta.get("lang")
    title = titles.get(lang) if lang else None
    return title or next(iter(titles.values()), None)


def _to_stored(row: DocumentRow) -> StoredDocument:
    names = [f.name for f in dataclasses.fields(Segment)]  # the segment columns
    segments = tuple(Segment(**{n: getattr(s, n) for n in names}) for s in row.segments)
    groups: dict[int, list[int]] = {}
    for seg in segments:
        if seg.repeat_group is not None:
            groups.setdefault(seg.repeat_group, []).append(seg.idx)
    repeats = tuple(
        RepeatGroup(
            idx=gid,
            text=segments[members[0]].base_text or segments[members[0]].text,
            lang=segments[members[0]].lang,
            segments=tuple(members),
        )
        for gid, members in sorted(groups.items())
    )
    page = Page(text=row.text, meta=_meta_from_json(row.meta), segments=segments, repeats=repeats)
    pairs = tuple(
        AlignedPair(
            vi=_unit(p.vi),
            fr=_unit(p.fr),
            score=p.score,
            evidence=tuple(Evidence(**e) for e in p.evidence),
            method=p.method,
            fr_focus=p.fr_focus,
            basis=p.basis,
        )
        for p in row.pairs
    )
    return StoredDocument(
        id=row.id,
        name=row.name,
        sha256=row.sha256,
        created_at=utc(row.created_at),
        page=page,
        pairs=pairs,
    )


def _unit(data: dict[str, Any]) -> Unit:
    return Unit(
        text=data["text"],
        lang=data["lang"],
        kind=data["kind"],
        segments=tuple(data["segments"]),
        lines=tuple(data["lines"]),
        start=data["start"],
        end=data["end"],
    )
