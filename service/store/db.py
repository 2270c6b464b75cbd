"""Database schema (SQLAlchemy 2 ORM), engine creation and migrations (Alembic).

SQLite is the embedded default (WAL journal, foreign keys on); PostgreSQL is a URL away.
The schema is owned by the migrations in ``service/migrations/versions``: ``migrate`` brings
any database to the latest revision, and tests check that the models and migrations agree.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    false,
    make_url,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from service.store.jsonchunks import dumps, loads

_MIGRATIONS = Path(__file__).parent / "migrations"
MAX_ID = 2**63 - 1
"""Ids, versions and offsets are stored as 64-bit integers: larger values are refused."""


class Base(DeclarativeBase):
    pass


class DocumentRow(Base):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str | None] = mapped_column(String(500))
    text: Mapped[str] = mapped_column(Text)
    lang: Mapped[str] = mapped_column(String(16))
    source_url: Mapped[str | None] = mapped_column(Text)
    meta: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    segments: Mapped[list[SegmentRow]] = relationship(
        back_populates="document",
        order_by="SegmentRow.idx",
        cascade="all, delete-orphan",
    )
    pairs: Mapped[list[PairRow]] = relationship(
        back_populates="document",
        order_by="PairRow.idx",
        cascade="all, delete-orphan",
    )


class DocumentHtmlRow(Base):
    """The HTML a document was extracted from: the markup, its charset, and per text line the
    element's tree path and offsets in the document's text."""

    __tablename__ = "document_html"

    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )
    html: Mapped[str] = mapped_column(Text)
    charset: Mapped[str] = mapped_column(String(40))
    lines: Mapped[list[Any]] = mapped_column(JSON)


class SegmentRow(Base):
    __tablename__ = "segments"
    __table_args__ = (UniqueConstraint("document_id", "idx"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    idx: Mapped[int] = mapped_column(Integer)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    line: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    lang: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    base_text: Mapped[str | None] = mapped_column(Text)
    photo_no: Mapped[int | None] = mapped_column(Integer)
    repeat_group: Mapped[int | None] = mapped_column(Integer)

    document: Mapped[DocumentRow] = relationship(back_populates="segments")


class PairRow(Base):
    """A Vietnamese-French pair found on a document; ``vi``/``fr`` hold the two units."""

    __tablename__ = "pairs"
    __table_args__ = (UniqueConstraint("document_id", "idx"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    idx: Mapped[int] = mapped_column(Integer)
    method: Mapped[str] = mapped_column(String(16))
    score: Mapped[float] = mapped_column(Float)
    vi: Mapped[dict[str, Any]] = mapped_column(JSON)
    fr: Mapped[dict[str, Any]] = mapped_column(JSON)
    fr_focus: Mapped[str] = mapped_column(Text)
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    basis: Mapped[str] = mapped_column(String(24), default="", server_default="")

    document: Mapped[DocumentRow] = relationship(back_populates="pairs")


class TranslationRow(Base):
    """A segment's machine translation and where it came from."""

    __tablename__ = "translations"
    __table_args__ = (
        UniqueConstraint("document_id", "segment_idx", "tgt_lang"),
        Index("ix_translations_glossary_name_number", "glossary_name", "glossary_number"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    segment_idx: Mapped[int] = mapped_column(Integer)
    src_lang: Mapped[str] = mapped_column(String(16))
    tgt_lang: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    engine: Mapped[str] = mapped_column(String(200))
    packages: Mapped[list[str]] = mapped_column(JSON)
    pivot: Mapped[str | None] = mapped_column(String(16))
    glossary_version: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    glossary_name: Mapped[str | None] = mapped_column(String(100))
    glossary_number: Mapped[int | None] = mapped_column(Integer)
    stale: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """Made with an older version of its glossary than the current one."""


class GlossaryRow(Base):
    __tablename__ = "glossaries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    current_version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class GlossaryVersionRow(Base):
    """An approved version: never updated once written."""

    __tablename__ = "glossary_versions"
    __table_args__ = (UniqueConstraint("glossary_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    glossary_id: Mapped[int] = mapped_column(ForeignKey("glossaries.id"))
    number: Mapped[int] = mapped_column(Integer)
    content: Mapped[dict[str, Any]] = mapped_column(JSON, deferred=True)
    """Read only when used: a 100,000-concept glossary is ~15 MB of JSON and a million
    objects once decoded, which looking up a version's or proposal's state must not pay."""
    note: Mapped[str] = mapped_column(Text)
    proposal_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    author: Mapped[str | None] = mapped_column(String(200))
    approver: Mapped[str | None] = mapped_column(String(200))
    n_concepts: Mapped[int | None] = mapped_column(Integer)


class GlossaryProposalRow(Base):
    __tablename__ = "glossary_proposals"
    __table_args__ = (Index("ix_glossary_proposals_glossary_id_status", "glossary_id", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    glossary_id: Mapped[int] = mapped_column(ForeignKey("glossaries.id"), index=True)
    base_version: Mapped[int] = mapped_column(Integer)
    content: Mapped[dict[str, Any]] = mapped_column(JSON, deferred=True)  # as a version's
    status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(200))
    result_version: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    approver: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str | None] = mapped_column(Text)
    impact_job_id: Mapped[int | None] = mapped_column(Integer)
    n_concepts: Mapped[int | None] = mapped_column(Integer)


class ApiKeyRow(Base):
    """An API key: only its SHA-256 digest is stored; ``prefix`` finds it and is shown."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    digest: Mapped[str] = mapped_column(String(64))
    rate_limit: Mapped[int | None] = mapped_column(Integer)
    char_limit: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    glossary: Mapped[str | None] = mapped_column(String(100))
    """The glossary enforced on this key's /translate requests that name none."""


class JobRow(Base):
    """A background job (``service.jobs``): ``state`` queued, running, done, failed or
    cancelled; ``done``/``total``: progress in the job's own unit."""

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(16), index=True)
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    done: Mapped[int] = mapped_column(Integer)
    total: Mapped[int | None] = mapped_column(Integer)
    cancel: Mapped[bool] = mapped_column(Boolean)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class SuggestionRow(Base):
    """A translation suggested by a user (LibreTranslate's /suggest), waiting for review."""

    __tablename__ = "suggestions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    q: Mapped[str] = mapped_column(Text)
    s: Mapped[str] = mapped_column(Text)
    source_lang: Mapped[str] = mapped_column(String(16))
    target_lang: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), index=True)
    author: Mapped[str] = mapped_column(String(200))
    glossary: Mapped[str | None] = mapped_column(String(100))
    proposal_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class AlignmentRow(Base):
    """A stored alignment: beads of two texts (``beads``), the cross-page pairs of a
    Vietnamese original and its French version (``cross-page``), or an imported TMX file
    (``tmx``). Documents, when known, are linked; deleting one keeps the alignment."""

    __tablename__ = "alignments"
    __table_args__ = (UniqueConstraint("kind", "src_document_id", "tgt_document_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str | None] = mapped_column(String(500))
    src_lang: Mapped[str] = mapped_column(String(35))
    tgt_lang: Mapped[str] = mapped_column(String(35))
    src_document_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", ondelete="SET NULL"), index=True
    )
    tgt_document_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", ondelete="SET NULL"), index=True
    )
    n_units: Mapped[int] = mapped_column(Integer)
    meta: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class AlignmentUnitRow(Base):
    """One bead or pair of an alignment (``src_idx``/``tgt_idx``: sentence or segment indices;
    ``score``: calibrated probability, None when the source gave none)."""

    __tablename__ = "alignment_units"
    __table_args__ = (UniqueConstraint("alignment_id", "idx"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alignment_id: Mapped[int] = mapped_column(
        ForeignKey("alignments.id", ondelete="CASCADE"), index=True
    )
    idx: Mapped[int] = mapped_column(Integer)
    src_lang: Mapped[str] = mapped_column(String(35))
    tgt_lang: Mapped[str] = mapped_column(String(35))
    src_text: Mapped[str] = mapped_column(Text)
    tgt_text: Mapped[str] = mapped_column(Text)
    src_idx: Mapped[list[int]] = mapped_column(JSON)
    tgt_idx: Mapped[list[int]] = mapped_column(JSON)
    score: Mapped[float | None] = mapped_column(Float)
    basis: Mapped[str] = mapped_column(String(24))
    segtype: Mapped[str] = mapped_column(String(16))


def utc(value: dt.datetime) -> dt.datetime:
    """A stored timestamp as an aware UTC datetime (SQLite drops the zone; every value was
    written in UTC)."""
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def private_dir(path: Path) -> None:
    """Create ``path`` (and its parents) if needed and make it private to this user (0700):
    it holds the database, key digests and models."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if path.stat().st_mode & 0o077:
        path.chmod(0o700)


def private_file(path: Path) -> None:
    """Create ``path`` if needed, readable and writable by this user only (0600); SQLite gives
    its -wal and -shm files the database file's permissions."""
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        if os.fstat(fd).st_mode & 0o077:
            os.fchmod(fd, 0o600)
    finally:
        os.close(fd)
    for extra in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if extra.exists() and extra.stat().st_mode & 0o077:
            extra.chmod(0o600)


def make_engine(url: str) -> Engine:
    """An engine for ``url``, JSON columns (de)coded by :mod:`service.store.jsonchunks`; on
    SQLite, WAL journal, foreign keys, a busy timeout, and
    transactions that SQLAlchemy begins (not the driver), so that :func:`writer` can make them
    take the write lock at once. A SQLite file is created private to this user (0600)."""
    if url.startswith("sqlite"):
        database = make_url(url).database
        if database and database != ":memory:" and not database.startswith("file:"):
            file = Path(database)
            if file.parent.is_dir():
                private_file(file)
        engine = create_engine(
            url, connect_args={"timeout": 30, "isolation_level": None}, **_JSON_CODECS
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Any) -> None:
            immediate = conn.get_execution_options().get(_IMMEDIATE, False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    return create_engine(url, pool_pre_ping=True, **_JSON_CODECS)


_JSON_CODECS: dict[str, Any] = {"json_serializer": dumps, "json_deserializer": loads}
"""JSON columns (de)coded a piece at a time: a large glossary version stored or read in a
worker thread leaves the event loop room to answer (``service.store.jsonchunks``)."""

_IMMEDIATE = "triglot_write_lock_first"


def writer(engine: Engine) -> Engine:
    """``engine`` for read-then-write transactions (check a version, then write the next).

    On SQLite such a transaction starts with ``BEGIN IMMEDIATE``: it waits for the write lock
    before reading, so two of them cannot both read the same state and both write. On
    PostgreSQL the stores lock the rows they read (``SELECT ... FOR UPDATE``) instead."""
    return engine.execution_options(**{_IMMEDIATE: True})


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def migrate(engine: Engine) -> None:
    """Bring the database behind ``engine`` to the latest schema revision."""
    command.upgrade(alembic_config(engine), "head")
