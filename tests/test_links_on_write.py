"""Stored alignments are written when documents are stored, never by a read; the document
page shows them; ``/health`` and the translation memory have their own triggers."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient

from service.align.ingest import ingest_text
from service.api.app import create_app
from service.api.routes import health
from service.settings import Settings
from service.store.alignments import AlignedUnit, AlignmentStore, NewAlignment
from service.store.db import make_engine
from service.web import documents as web_documents
from tests.conftest import ROOT, TRIGLOT

VI_PAGE = ROOT / "corpus" / "vietnamvn" / "vietnamvn-03.vi.txt"
FR_PAGE = ROOT / "corpus" / "vietnamvn" / "vietnamvn-03.fr.txt"


def _client(tmp_path: Path) -> TestClient:
    return TestClient(create_app(Settings(data_dir=tmp_path / "data")))


def test_storing_both_pages_links_them_at_once(tmp_path: Path) -> None:
    with _client(tmp_path) as client:
        store = client.app.state.services.alignments
        vi = client.post("/documents", json={"text": VI_PAGE.read_text("utf-8")}).json()["id"]
        assert store.list(kind="cross-page")[1] == 0  # no French version yet
        fr = client.post("/documents", json={"text": FR_PAGE.read_text("utf-8")}).json()["id"]
        items, total = store.list(kind="cross-page")  # read from the store, no route involved
        assert total == 1
        assert (items[0].src_document_id, items[0].tgt_document_id) == (vi, fr)
        assert items[0].n_units >= 5


def test_adding_pages_on_the_web_links_them(tmp_path: Path) -> None:
    with _client(tmp_path) as client:
        for page in (VI_PAGE, FR_PAGE):
            made = client.post("/ui/documents", data={"text": page.read_text("utf-8")})
            assert "Stored as document" in made.text
        assert client.app.state.services.alignments.list(kind="cross-page")[1] == 1


def test_reads_never_link_and_start_up_does(tmp_path: Path) -> None:
    """Pages stored without the write-time link (as by an older version): listings, exports
    and memory look-ups leave the alignments as they are; the next start links them."""
    with _client(tmp_path) as client:
        svc = client.app.state.services
        ingest_text(svc.documents, VI_PAGE.read_text("utf-8"), name="vi")
        ingest_text(svc.documents, FR_PAGE.read_text("utf-8"), name="fr")
        before = svc.alignments.stamp()
        assert before == (0, 0)
        assert client.get("/alignments").json()["total"] == 0
        assert client.get("/tmx").status_code == 200
        assert client.get("/tm/lookup", params={"q": "Hà Nội", "source": "vi", "target": "fr"})
        svc.memory.lookup(["Hà Nội phát động"], src_lang="vi", tgt_lang="fr")
        assert svc.alignments.stamp() == before
    with _client(tmp_path) as client:
        assert client.get("/alignments", params={"kind": "cross-page"}).json()["total"] == 1


def test_cli_ingest_links_the_pages(tmp_path: Path) -> None:
    env = {**os.environ, "TRIGLOT_DATA_DIR": str(tmp_path / "data")}
    for page in (VI_PAGE, FR_PAGE):
        res = subprocess.run(
            [TRIGLOT, "ingest", str(page)], env=env, capture_output=True, text=True, check=False
        )
        assert res.returncode == 0, res.stderr
    store = AlignmentStore(make_engine(f"sqlite:///{tmp_path / 'data' / 'triglot.db'}"))
    assert store.list(kind="cross-page")[1] == 1


def test_health_has_its_own_trigger(tmp_path: Path) -> None:
    with _client(tmp_path) as client:
        memory = client.app.state.services.memory
        assert client.get("/health").json()["documents"] == 0
        memory.lookup(["Bonjour"], src_lang="fr", tgt_lang="vi")  # index checked and built
        checked = memory._checked_at
        health.invalidate(SimpleNamespace(app=client.app))  # type: ignore[arg-type]
        assert client.app.state.health is None
        assert memory._checked_at == checked  # the memory's index is not dropped
        client.post("/documents", json={"text": VI_PAGE.read_text("utf-8")})
        assert memory._checked_at != checked  # storing a document tells the memory
        assert client.get("/health").json()["documents"] == 1  # and /health


def test_document_page_shows_its_stored_alignments(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with _client(tmp_path) as client:
        vi = client.post("/documents", json={"text": VI_PAGE.read_text("utf-8")}).json()["id"]
        plain = client.get(f"/ui/documents/{vi}").text
        assert "Stored alignments" not in plain  # none yet: no section
        fr = client.post("/documents", json={"text": FR_PAGE.read_text("utf-8")}).json()["id"]
        (item,) = client.get("/alignments").json()["items"]
        units = client.get(f"/alignments/{item['id']}").json()["units"]
        html = client.get(f"/ui/documents/{fr}").text
        assert "Stored alignments" in html
        assert f'href="/ui/documents/{vi}"' in html  # the other document, linked
        assert f'href="/alignments/{item["id"]}/tmx"' in html
        for unit in units:
            assert unit["src"] in html
            assert f"{unit['score']:.2f}" in html
        # a beads alignment with an unknown score, and the bound on units shown
        store = client.app.state.services.alignments
        store.add(
            NewAlignment(
                "beads",
                "fr",
                "vi",
                [
                    AlignedUnit("fr", "vi", "Un.", "Một.", (0,), (0,), None, "bead"),
                    AlignedUnit("fr", "vi", "Deux.", "Hai.", (1,), (1,), 0.5, "bead"),
                    AlignedUnit("fr", "vi", "Trois.", "Ba.", (2,), (2,), 0.5, "bead"),
                ],
                name="beads of two texts",
                src_document_id=fr,
            )
        )
        monkeypatch.setattr(web_documents, "UNITS_SHOWN", 2)
        html = client.get(f"/ui/documents/{fr}").text
        assert "beads of two texts" in html
        assert "unknown" in html
        assert "Trois." not in html
        assert "The first 2 of 3 units" in html
