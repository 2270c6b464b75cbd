"""Glossaries where users' text goes, end to end through real argostranslate + CTranslate2
with the fixture packages: the server's and a key's glossary for clients that name none
(libretranslatepy), HTML and alternatives enforced, stored English that follows approvals."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from lxml import etree

from glossary.jsonform import apply_edits
from service.api.app import create_app
from service.mt.packages import install_file
from service.settings import Settings
from service.store.db import make_engine
from service.store.glossaries import GlossaryStore
from tests.conftest import ROOT, SEEDS, TRIGLOT, live_server, make_key

MODELS = ROOT / "tests" / "fixtures" / "models"
NAME = "vn-government-news"
FR = "Le Premier ministre a reçu mardi 12 ambassadeurs à Hanoï."
PAGE_004 = (SEEDS / "004_606bed8f58cb9dd9.txt").read_text(encoding="utf-8")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    for pair in ("fr_en", "vi_en"):
        install_file(MODELS / f"{pair}.argosmodel", data / "packages")
    return data


def _client(data: Path, **settings: Any) -> TestClient:
    return TestClient(create_app(Settings(data_dir=data, **settings)))


def test_the_server_default_reaches_clients_that_name_no_glossary(data_dir: Path) -> None:
    with _client(data_dir, default_glossary=NAME) as client:
        body = client.post("/translate", data={"q": FR, "source": "fr", "target": "en"}).json()
        assert body["translatedText"].startswith("Le Prime Minister a reçu")
        assert body["glossary"] == {"name": NAME, "version": 1, "chosen_by": "default"}
        assert body["glossary_report"]["compliant"]
        assert body["glossary_report"]["terms"][0]["concept"] == "pm"
        off = client.post(
            "/translate", json={"q": FR, "source": "fr", "target": "en", "glossary": "none"}
        ).json()
        assert off["translatedText"] == FR
        assert "glossary" not in off
        pinned = client.post(
            "/translate", json={"q": FR, "source": "fr", "target": "en", "glossary": f"{NAME}@1"}
        ).json()
        assert pinned["glossary"]["chosen_by"] == "request"


def test_a_keys_glossary_applies_to_its_requests(data_dir: Path) -> None:
    with _client(data_dir, api_keys=True) as client:
        keys = client.app.state.services.keys  # type: ignore[attr-defined]
        _k, with_glossary = keys.add("cat-tool", glossary=NAME)
        _k, plain = keys.add("browser")
        body = {"q": FR, "source": "fr", "target": "en"}
        res = client.post("/translate", data={**body, "api_key": with_glossary}).json()
        assert res["glossary"]["chosen_by"] == "key"
        assert "Prime Minister" in res["translatedText"]
        res = client.post("/translate", data={**body, "api_key": plain}).json()
        assert res["translatedText"] == FR
        assert "glossary" not in res


def test_html_text_nodes_get_the_terms_and_the_markup_stays(data_dir: Path) -> None:
    page = '<p class="lead">Le <b>Premier ministre</b> a reçu <i>12 ambassadeurs</i>.</p>'
    with _client(data_dir) as client:
        res = client.post(
            "/translate",
            json={"q": page, "source": "fr", "target": "en", "format": "html", "glossary": NAME},
        ).json()
    assert res["translatedText"] == (
        '<p class="lead">Le <b>Prime Minister</b> a reçu <i>12 ambassadeurs</i>.</p>'
    )
    report = res["glossary_report"]
    assert report["compliant"]
    assert [t["concept"] for t in report["terms"]] == ["pm"]


def test_each_alternative_is_enforced_and_reported(data_dir: Path) -> None:
    with _client(data_dir) as client:
        res = client.post(
            "/translate",
            json={"q": FR, "source": "fr", "target": "en", "alternatives": 2, "glossary": NAME},
        ).json()
    alternatives, report = res["alternatives"], res["glossary_report"]
    assert alternatives  # the copy model gives some
    assert len(report["alternatives"]) == len(alternatives)
    assert res["translatedText"] not in alternatives
    for text, alt_report in zip(alternatives, report["alternatives"], strict=True):
        assert "Prime Minister" in text
        assert alt_report["compliant"]
        assert alt_report["terms"][0]["expected"] == "Prime Minister"


def _wait_job(client: TestClient, job_id: int) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while True:
        job: dict[str, Any] = client.get(f"/jobs/{job_id}").json()
        if job["state"] in ("done", "failed", "cancelled"):
            return job
        assert time.monotonic() < deadline, job
        time.sleep(0.05)


def _un_sg_edit(client: TestClient, english: str) -> dict[str, Any]:
    current = client.get(f"/glossaries/{NAME}").json()
    [concept] = [c for c in current["concepts"] if c["id"] == "un-sg"]
    concept["terms"] = [t for t in concept["terms"] if t["lang"] != "en"] + [
        {"text": english, "lang": "en"}
    ]
    return {"upsert": [concept]}


def _tmx_props(client: TestClient, doc_id: int) -> dict[str, str | None]:
    root = etree.fromstring(client.get(f"/documents/{doc_id}/tmx").content)
    tu = root.findall("body/tu")[0]
    return {p.get("type"): p.text for p in tu.findall("prop")}  # type: ignore[misc]


def test_stored_english_follows_approvals(data_dir: Path, db_url: str) -> None:
    with _client(data_dir, database_url=db_url) as client:
        doc = client.post("/documents", json={"text": PAGE_004}).json()["id"]
        made = client.post(f"/documents/{doc}/translations").json()["translations"]
        caption = next(t for t in made if t["source"].startswith("Secrétaire général de l'ONU"))
        assert caption["text"].startswith("UN Secretary-General")
        assert {t["glossary_version"] for t in made} == {f"{NAME}@1"}
        assert _tmx_props(client, doc)["x-glossary-version"] == f"{NAME}@1"
        # Another process (the CLI) approves version 2: the English is stale, and says so.
        store: GlossaryStore = client.app.state.services.glossaries  # type: ignore[attr-defined]
        p = client.post(
            f"/glossaries/{NAME}/proposals",
            json={"edits": _un_sg_edit(client, "UN chief")},
            headers={"If-Match": '"v1"'},
        ).json()
        decision = store.approve(NAME, p["id"], if_match='"v1"', approver="cli")
        assert decision.stale_translations == len(made)
        stored = client.get(f"/documents/{doc}/translations").json()["translations"]
        assert all(t["stale"] for t in stored)
        assert _tmx_props(client, doc)["x-glossary-stale"] == "true"
        pairs = client.get("/pairs", params={"documents": str(doc)}).json()
        assert any(u["provenance"]["glossary_stale"] for u in pairs["items"] if u["provenance"])
        # Approving through the API queues the re-translation as a job.
        p = client.post(
            f"/glossaries/{NAME}/proposals",
            json={"edits": _un_sg_edit(client, "UN head")},
            headers={"If-Match": '"v2"'},
        ).json()
        res = client.post(
            f"/glossaries/{NAME}/proposals/{p['id']}/approve", headers={"If-Match": '"v2"'}
        ).json()
        assert res["stale_translations"] == len(made)
        job = _wait_job(client, res["retranslation_job"])
        assert job["state"] == "done", job
        assert job["progress"] == {"done": 1, "total": 1}
        assert job["result"] == {"documents": 1, "segments": len(made)}
        again = client.get(f"/documents/{doc}/translations").json()["translations"]
        assert not any(t["stale"] for t in again)
        assert {t["glossary_version"] for t in again} == {f"{NAME}@3"}
        caption = next(t for t in again if t["source"].startswith("Secrétaire général de l'ONU"))
        assert caption["text"].startswith("UN head")
        assert "x-glossary-stale" not in _tmx_props(client, doc)
        # glossary=none: English without a glossary is never made stale
        client.post(f"/documents/{doc}/translations", params={"glossary": "none"})
        res = client.post(
            f"/glossaries/{NAME}/rollback", params={"to": 1}, headers={"If-Match": '"v3"'}
        ).json()
        assert (res["stale_translations"], res["retranslation_job"]) == (0, None)


@pytest.fixture
def served(data_dir: Path, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    keys = {"TRIGLOT_API_KEYS": "true", "TRIGLOT_TRANSLATE_REQUIRES_KEY": "true"}
    with live_server(data_dir, "--seeds", str(tmp_path), env=keys) as (base, _log):
        yield base, data_dir


@pytest.mark.slow
def test_libretranslatepy_with_a_key_that_has_a_glossary(served: tuple[str, Path]) -> None:
    """The unchanged LibreTranslate client sends q/source/target/format/api_key only: the
    key made with `triglot keys add NAME --glossary` brings the terms."""
    from libretranslatepy import LibreTranslateAPI  # noqa: PLC0415

    base, data = served
    client = LibreTranslateAPI(f"{base}/", api_key=make_key(data, "cat-tool", "--glossary", NAME))
    # the copy model with the terms for Premier ministre and Hanoï enforced
    assert (
        client.translate(FR, "fr", "en")
        == "Le Prime Minister a reçu mardi 12 ambassadeurs à Hanoi."
    )
    plain = LibreTranslateAPI(f"{base}/", api_key=make_key(data, "plain"))
    assert plain.translate(FR, "fr", "en") == FR
    bad = subprocess.run(
        [TRIGLOT, "keys", "add", "x", "--glossary", "nope"],
        env={"TRIGLOT_DATA_DIR": str(data), "PATH": str(Path(TRIGLOT).parent)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 65
    assert "glossary 'nope': no such glossary; available: vn-government-news" in bad.stderr


@pytest.mark.slow
def test_cli_translate_chooses_the_glossary_and_approve_queues_the_stale(data_dir: Path) -> None:
    env = {**os.environ, "TRIGLOT_DATA_DIR": str(data_dir)}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        cmd = [TRIGLOT, *args]
        return subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)

    page = SEEDS / "004_606bed8f58cb9dd9.txt"
    assert run("ingest", str(page)).returncode == 0
    res = run("translate", "--glossary", "nope")
    assert (res.returncode, res.stderr.strip()) == (65, "triglot: no glossary named 'nope'")
    res = run("translate", "--glossary", "none")
    assert res.stdout.strip().endswith("\tno glossary"), res.stderr
    res = run("translate")  # TRIGLOT_STORED_GLOSSARY
    assert res.stdout.strip().endswith(f"\t{NAME}@1"), res.stderr
    engine = make_engine(f"sqlite:///{data_dir / 'triglot.db'}")
    try:
        store = GlossaryStore(engine)
        _n, current = store.current(NAME)
        edits = {"upsert": [{"id": "x", "terms": [{"text": "Hạ Long", "lang": "vi"}]}]}
        proposal = store.propose(
            NAME, apply_edits(current, edits), if_match='"v1"', note="", author="alice"
        )
    finally:
        engine.dispose()
    res = run("glossary", "approve", str(proposal.id))
    assert res.stdout.strip() == f"{NAME} is now at version 2", res.stderr
    assert "stale: job 1 re-translates them" in res.stderr
    res = run("jobs", "run")
    assert res.stdout.strip() == "job 1\tretranslate\tdone", res.stderr
    res = run("translate", "--stale")
    assert res.stdout.strip() == f"0 documents (0 segments) re-translated with {NAME}@2"
