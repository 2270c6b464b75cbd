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


def test_glossary_contents_are_read_only_where_used_and_copied_by_the_database(
    engine: Engine,
) -> None:
    """A proposal's or version's state is looked up without its content, and approving or
    rolling back copies the content inside the database (INSERT ... SELECT): a large
    glossary's JSON is never decoded and encoded again for it (issue 15: such work held the
    interpreter, and every request, for seconds)."""
    from glossary import Concept, Glossary, Term  # noqa: PLC0415
    from service.store.glossaries import GlossaryStore  # noqa: PLC0415

    def concept(i: int) -> Concept:
        return Concept(f"c{i}", (Term(f"terme {i}", "fr"), Term(f"term {i}", "en")))

    first = Glossary("g", tuple(concept(i) for i in range(3)))
    store = GlossaryStore(engine)
    store.ensure(first)
    second = Glossary("g", (*first.concepts, concept(3)))
    proposal = store.propose("g", second, if_match='"v1"', note="one more", author="ana")

    statements: list[str] = []

    def seen(_c: object, _cur: object, statement: str, *_a: object) -> None:
        statements.append(" ".join(statement.split()).lower())

    event.listen(engine, "before_cursor_execute", seen)
    try:
        assert store.proposal("g", proposal.id).n_concepts == 4
        store.approve("g", proposal.id, if_match='"v1"', approver="bo")
        # the approved proposal, parsed by this store, is its new version: not read back
        assert store.version("g", 2) is store.proposal_content(proposal)
        store.rollback("g", 1, if_match='"v2"', approver="bo")
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    reads = [s for s in statements if s.startswith("select") and ".content" in s]
    assert reads == [], reads
    copies = [s for s in statements if s.startswith("insert") and "content" in s]
    assert len(copies) == 2, copies
    assert all("select" in s for s in copies), copies

    fresh = GlossaryStore(engine)  # no cache: what the database holds
    assert fresh.version("g", 2) == second
    assert fresh.version("g", 3) == first
    versions = fresh.versions("g")
    assert [(v.number, v.proposal_id, v.author, v.approver, v.n_concepts) for v in versions] == [
        (1, None, "triglot", "triglot", 3),
        (2, proposal.id, "ana", "bo", 4),
        (3, None, "bo", "bo", 3),
    ]
    assert versions[1].note == "one more"
    assert versions[2].note == "rollback to version 1"
    assert versions[1].created_at.tzinfo is not None
    changes = fresh.version_diff("g", 1, 2)
    assert [c.id for c in changes.added] == ["c3"]
    assert not changes.removed
    assert not changes.changed
    assert fresh.version_diff("g", 1, 2) is changes  # versions never change: computed once


def test_the_collector_stays_paused_until_the_last_overlapping_quiet_section_ends() -> None:
    import gc  # noqa: PLC0415
    import threading  # noqa: PLC0415

    from service.store.glossaries import quietly  # noqa: PLC0415

    assert gc.isenabled()
    first_in, first_out, second_in, second_out = (threading.Event() for _ in range(4))
    seen: list[bool] = []

    def first() -> None:
        first_in.set()
        first_out.wait(5)

    def second() -> None:
        second_in.set()
        second_out.wait(5)

    a = threading.Thread(target=quietly, args=(first,))
    b = threading.Thread(target=quietly, args=(second,))
    a.start()
    assert first_in.wait(5)
    b.start()
    assert second_in.wait(5)
    seen.append(gc.isenabled())  # both running
    first_out.set()
    a.join(5)
    seen.append(gc.isenabled())  # the first ended, the second still running
    second_out.set()
    b.join(5)
    seen.append(gc.isenabled())  # both ended
    assert seen == [False, False, True]


def test_a_quiet_section_freezes_what_it_made_before_the_collector_resumes() -> None:
    import gc  # noqa: PLC0415

    from service.store.glossaries import quietly  # noqa: PLC0415

    during: list[tuple[int, bool]] = []

    def make() -> list[list[int]]:
        return [[i] for i in range(1000)]

    def freeze(_value: list[list[int]]) -> bool:
        during.append((gc.get_freeze_count(), gc.isenabled()))
        return True

    before = gc.get_freeze_count()
    made = quietly(make, freeze=freeze)
    assert gc.isenabled()
    assert gc.get_freeze_count() >= before + len(made)  # out of every later collection
    assert during == [(before, False)]  # frozen while the collector was still paused
