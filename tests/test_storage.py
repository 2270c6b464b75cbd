"""Storage contract, on SQLite and PostgreSQL: migrations match the models, pages are stored
whole, ingestion is idempotent."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Engine

from aligner import analyze
from aligner.pairs import residue_pairs
from service.align.ingest import ingest_text
from service.align.links import link_document
from service.errors import NotFoundError
from service.store.alignments import AlignmentStore
from service.store.db import Base, make_engine, migrate
from service.store.documents import DocumentStore
from tests.conftest import ROOT, SEEDS


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def store(engine: Engine) -> DocumentStore:
    return DocumentStore(engine)


def test_migrations_create_exactly_the_models_schema(engine: Engine) -> None:
    migrate(engine)  # a second run is a no-op
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert diff == []
        if engine.dialect.name == "sqlite":
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    assert set(inspect(engine).get_table_names()) >= {"documents", "segments"}


def test_round_trip_keeps_the_analysis_and_pairs(store: DocumentStore) -> None:
    page = analyze((SEEDS / "004_606bed8f58cb9dd9.txt").read_text(encoding="utf-8"))
    pairs = tuple(residue_pairs(page))
    doc, created = store.add(page, name="004", pairs=pairs)
    assert created
    loaded = store.get(doc.id)
    assert loaded.page == page
    assert loaded.pairs == pairs
    assert len(pairs) == 2
    assert loaded.name == "004"


def test_same_text_is_stored_once(store: DocumentStore) -> None:
    page = analyze((SEEDS / "000_73caa743acbd0cff.txt").read_text(encoding="utf-8"))
    first, created_first = store.add(page)
    second, created_second = store.add(page)
    assert (created_first, created_second) == (True, False)
    assert first.id == second.id
    assert store.count() == 1


def test_unknown_id_names_the_id(store: DocumentStore) -> None:
    with pytest.raises(NotFoundError, match="no document with id 999"):
        store.get(999)


def test_a_failure_mid_write_leaves_nothing_behind(engine: Engine) -> None:
    failing = DocumentStore(engine)
    page = analyze((SEEDS / "004_606bed8f58cb9dd9.txt").read_text(encoding="utf-8"))
    seen: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _fail_on_segments(_c, _cur, statement, _p, _ctx, _many) -> None:  # type: ignore[no-untyped-def]
        if statement.startswith("INSERT INTO"):
            seen.append(statement.split()[2])
            if seen[-1] == "segments":  # the document and its pairs are written by now
                raise RuntimeError("disk gone")

    with pytest.raises(RuntimeError, match="disk gone"):
        failing.add(page, pairs=tuple(residue_pairs(page)))
    assert seen[0] == "documents"
    assert "pairs" in seen
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM documents")).scalar() == 0
        assert conn.execute(text("SELECT count(*) FROM segments")).scalar() == 0
        assert conn.execute(text("SELECT count(*) FROM pairs")).scalar() == 0


def test_urls_and_alignments_of_a_document(engine: Engine, store: DocumentStore) -> None:
    """What linking on write and the document page read: the stored pages' URLs (one light
    query) and the alignments linked to one document."""
    alignments = AlignmentStore(engine)
    folder = ROOT / "corpus" / "vietnamvn"
    vi, _ = ingest_text(store, (folder / "vietnamvn-03.vi.txt").read_text("utf-8"), name="vi")
    seed, _ = ingest_text(store, sorted(SEEDS.glob("*.txt"))[0].read_text("utf-8"), name="s")
    assert link_document(store, alignments, vi) == []  # its French version is not stored yet
    fr, _ = ingest_text(store, (folder / "vietnamvn-03.fr.txt").read_text("utf-8"), name="fr")
    urls = store.source_urls(("vi", "fr"))
    assert [(i, lang) for i, lang, _url in urls if i in {vi.id, fr.id}] == [
        (vi.id, "vi"),
        (fr.id, "fr"),
    ]
    (new,) = link_document(store, alignments, fr)
    assert link_document(store, alignments, fr) == []  # stored once
    for doc_id in (vi.id, fr.id):
        items, total = alignments.for_document(doc_id, limit=5)
        assert ([a.id for a in items], total) == ([new], 1)
    assert alignments.for_document(seed.id) == ((), 0)
