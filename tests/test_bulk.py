"""Bulk jobs (`triglot bulk ingest`): the same stored results in this process and on Ray.

The Ray test starts a local Ray instance (two actors, two CPUs, a small object store) through
the CLI and compares everything stored (documents, segments, pairs, translations through the
copy-model fixture packages) and the cross-page pairs written, with a run in this process.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from service.bulk.pipeline import originals
from service.bulk.worker import Ingested
from service.mt.packages import install_file
from service.store.alignments import AlignmentStore
from service.store.db import make_engine
from service.store.documents import DocumentStore
from service.store.translations import TranslationStore
from tests.conftest import ROOT, TRIGLOT, free_port

CORPUS = ROOT / "corpus"
MODELS = ROOT / "tests" / "fixtures" / "models"
PAGES = [  # two French pages with their Vietnamese originals, one alone
    "nhandan/nhandan-02.fr.txt",
    "nhandan/nhandan-02.vi.txt",
    "vovworld/vovworld-03.fr.txt",
    "vovworld/vovworld-03.vi.txt",
    "nhandan/nhandan-01.fr.txt",
]


def _ingested(doc_id: int, path: str, lang: str, url: str | None = None) -> Ingested:
    return Ingested(path, Path(path).name, doc_id, True, lang, url, 1, 0, None)


def test_originals_pair_files_named_alike_else_by_source_url() -> None:
    docs = {
        1: _ingested(1, "a/x-02.fr.txt", "fr", "https://vi.example/x"),
        2: _ingested(2, "a/x-02.vi.txt", "vi"),
        3: _ingested(3, "b/x-02.fr.txt", "fr", "https://vi.example/y"),  # other folder
        4: _ingested(4, "a/y.fr.txt", "fr"),  # no original beside it, no Source: line
        5: _ingested(5, "a/z.fr.txt", "vi"),  # named French, but Vietnamese
    }
    assert originals(docs) == [(1, 2), (3, None)]


def _data_dir(path: Path) -> Path:
    for model in MODELS.glob("*.argosmodel"):
        install_file(model, path / "packages")
    return path


def _bulk(data_dir: Path, pages: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [TRIGLOT, "bulk", "ingest", str(pages), "--translate", "en", "--batch-size", "2", *extra],
        env={**os.environ, "TRIGLOT_DATA_DIR": str(data_dir), "RAY_AUTH_MODE": "disabled"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _snapshot(data_dir: Path) -> dict[str, Any]:
    """Everything stored, keyed by content hash (ids depend on the order batches end)."""
    engine = make_engine(f"sqlite:///{data_dir / 'triglot.db'}")
    documents, translations = DocumentStore(engine), TranslationStore(engine)
    out: dict[str, Any] = {}
    try:
        summaries, _total = documents.list(limit=1000)
        for summary in summaries:
            doc = documents.get(summary.id)
            out[doc.sha256] = {
                "name": doc.name,
                "meta": doc.page.meta,
                "segments": doc.page.segments,
                "pairs": doc.pairs,
                "english": sorted(
                    (i, t.text, t.src_lang, t.engine, tuple(t.packages))
                    for i, t in translations.get(doc.id, "en").items()
                ),
            }
    finally:
        engine.dispose()
    return out


def _stored_links(data_dir: Path) -> dict[tuple[str, str], list[Any]]:
    """The stored ``cross-page`` alignments, keyed by the two documents' content hashes (ids
    depend on the order batches end), with their units."""
    engine = make_engine(f"sqlite:///{data_dir / 'triglot.db'}")
    documents, alignments = DocumentStore(engine), AlignmentStore(engine)
    out: dict[tuple[str, str], list[Any]] = {}
    try:
        links, _total = alignments.list(kind="cross-page", limit=1000)
        for link in links:
            assert link.src_document_id is not None
            assert link.tgt_document_id is not None
            vi, fr = documents.get(link.src_document_id), documents.get(link.tgt_document_id)
            units = alignments.units(link.id)
            out[(vi.sha256, fr.sha256)] = [link.src_lang, link.tgt_lang, link.name, *units]
    finally:
        engine.dispose()
    return out


def _cross_pairs(path: Path, data_dir: Path) -> list[tuple[str, str, str, str, float]]:
    """The cross-page pairs written, with document ids replaced by names."""
    engine = make_engine(f"sqlite:///{data_dir / 'triglot.db'}")
    documents = DocumentStore(engine)
    try:
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        return sorted(
            (
                str(documents.get(r["fr_document"]).name),
                str(documents.get(r["vi_document"]).name),
                r["vi"],
                r["fr"],
                r["score"],
            )
            for r in rows
        )
    finally:
        engine.dispose()


@pytest.mark.slow
def test_bulk_job_on_ray_stores_what_a_local_run_stores(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    for name in PAGES:
        (pages / Path(name).parent).mkdir(parents=True, exist_ok=True)
        shutil.copy(CORPUS / name, pages / name)
    (pages / "empty.txt").write_bytes(b"")  # refused, reported; the others go on

    local_dir, ray_dir = _data_dir(tmp_path / "local"), _data_dir(tmp_path / "ray")
    local = _bulk(local_dir, pages, "--pairs-out", str(tmp_path / "local.jsonl"))
    on_ray = _bulk(
        ray_dir, pages, "--ray", "local", "--workers", "2", "--pairs-out", str(tmp_path / "r.jsonl")
    )

    for run in (local, on_ray):
        assert run.returncode == 1, run.stderr  # 1: the empty page failed, the others stored
        assert "empty.txt" in run.stderr
        assert "5 of 6 pages stored" in run.stdout
        assert "2 French pages aligned" in run.stdout
        assert "2 cross-page alignments stored" in run.stdout
        assert "5 documents translated to en" in run.stdout
    assert "on Ray (local, 2 workers)" in on_ray.stdout
    stored = _snapshot(local_dir)
    assert len(stored) == 5
    assert all(doc["english"] for doc in stored.values())
    assert _snapshot(ray_dir) == stored
    cross = _cross_pairs(tmp_path / "local.jsonl", local_dir)
    assert {(fr, vi) for fr, vi, *_ in cross} == {
        ("nhandan-02.fr.txt", "nhandan-02.vi.txt"),
        ("vovworld-03.fr.txt", "vovworld-03.vi.txt"),
    }
    assert _cross_pairs(tmp_path / "r.jsonl", ray_dir) == cross
    # The cross-page pairs are stored too (the `cross-page` alignment of each pair of pages),
    # the same in both runs, and the same pairs as the ones written.
    links = _stored_links(local_dir)
    assert len(links) == 2
    assert sum(len(v) - 3 for v in links.values()) == len(cross) > 0
    assert _stored_links(ray_dir) == links


@pytest.mark.slow
def test_bulk_ingest_names_a_missing_input_and_an_unreachable_cluster(tmp_path: Path) -> None:
    run = _bulk(tmp_path, tmp_path / "nowhere")
    assert run.returncode == 66
    assert "nowhere" in run.stderr
    port = free_port()  # nothing listens there: refused at once, not after Ray's retries
    run = _bulk(tmp_path, CORPUS / "nhandan", "--ray", f"127.0.0.1:{port}")
    assert run.returncode == 69
    assert f"Ray at '127.0.0.1:{port}' cannot be reached" in run.stderr


def test_documents_translated_together_equal_one_by_one(tmp_path: Path) -> None:
    """The bulk worker translates a batch of documents in one engine call per language: the
    stored English is the same as document by document (the service's way)."""
    from service.align.ingest import ingest_bytes  # noqa: PLC0415
    from service.mt.argos import ArgosEngine  # noqa: PLC0415
    from service.mt.translations import translate_document, translate_documents  # noqa: PLC0415
    from service.store.db import migrate  # noqa: PLC0415

    packages = _data_dir(tmp_path) / "packages"
    argos = ArgosEngine(packages, tmp_path / "argos")
    rows: list[Any] = []
    for name in ("one", "together"):
        engine = make_engine(f"sqlite:///{tmp_path / name}.db")
        migrate(engine)
        documents, translations = DocumentStore(engine), TranslationStore(engine)
        ids = [
            ingest_bytes(documents, (CORPUS / p).read_bytes(), name=p, max_bytes=10**6)[0].id
            for p in PAGES
        ]
        if name == "one":
            for doc_id in ids:
                translate_document(documents, translations, argos, doc_id)
        else:
            done = translate_documents(documents, translations, argos, ids)
            assert sorted(done) == sorted(ids)
        rows.append(
            [
                (doc_id, i, t.src_lang, t.text, tuple(t.packages), t.glossary_version)
                for doc_id in ids
                for i, t in sorted(translations.get(doc_id, "en").items())
            ]
        )
        engine.dispose()
    assert rows[0] == rows[1]
    assert len(rows[0]) > 50
