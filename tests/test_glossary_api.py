"""Glossary versions, proposals and review decisions through the HTTP API."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from lxml import etree

from service.settings import Settings
from tests.conftest import MEKONG_EDIT, SHARED


@pytest.fixture
def settings(settings_on_each_backend: Settings) -> Settings:
    """Part of the storage contract: every test here runs on SQLite and on PostgreSQL."""
    return settings_on_each_backend


NAME = "vn-government-news"


def _propose(client: TestClient, edits: dict[str, Any], version: int = 1) -> Any:
    return client.post(
        f"/glossaries/{NAME}/proposals",
        json={"edits": edits, "note": "n", "author": "tester"},
        headers={"If-Match": f'"v{version}"'},
    )


def test_shipped_glossary_is_version_one_with_an_etag(client: TestClient) -> None:
    [info] = client.get("/glossaries").json()
    assert info == {"name": NAME, "current_version": 1, "concepts": 52, "open_proposals": 0}
    res = client.get(f"/glossaries/{NAME}")
    assert res.headers["etag"] == '"v1"'
    assert res.json()["version"] == 1


def test_propose_approve_makes_a_new_immutable_version(client: TestClient) -> None:
    res = _propose(client, MEKONG_EDIT)
    assert res.status_code == 201, res.text
    proposal = res.json()
    assert proposal["status"] == "open"
    assert [c["id"] for c in proposal["diff"]["added"]] == ["mekong"]
    assert client.get(f"/glossaries/{NAME}").json()["version"] == 1  # not live yet
    res = client.post(
        f"/glossaries/{NAME}/proposals/{proposal['id']}/approve", headers={"If-Match": '"v1"'}
    )
    assert res.status_code == 200, res.text
    assert res.json()["current_version"] == 2
    assert client.get(f"/glossaries/{NAME}").headers["etag"] == '"v2"'
    v1 = client.get(f"/glossaries/{NAME}/versions/1").json()
    assert "mekong" not in {c["id"] for c in v1["concepts"]}
    d = client.get(f"/glossaries/{NAME}/diff", params={"from": 1, "to": 2}).json()
    assert [c["id"] for c in d["added"]] == ["mekong"]
    again = client.post(
        f"/glossaries/{NAME}/proposals/{proposal['id']}/approve", headers={"If-Match": '"v2"'}
    )
    assert again.status_code == 409


def test_concurrent_changes_never_lose_an_update(client: TestClient) -> None:
    first = _propose(client, MEKONG_EDIT).json()
    second = _propose(client, {"remove": ["gdp"]}).json()
    assert (
        client.post(
            f"/glossaries/{NAME}/proposals/{first['id']}/approve", headers={"If-Match": '"v1"'}
        ).status_code
        == 200
    )
    stale = client.post(
        f"/glossaries/{NAME}/proposals/{second['id']}/approve", headers={"If-Match": '"v1"'}
    )
    assert stale.status_code == 412
    based_on_old = client.post(
        f"/glossaries/{NAME}/proposals/{second['id']}/approve", headers={"If-Match": '"v2"'}
    )
    # approving the first closed the second as superseded, with the reason
    assert based_on_old.status_code == 409
    assert "superseded" in based_on_old.json()["error"]
    assert "propose again from version 2" in based_on_old.json()["error"]
    current = client.get(f"/glossaries/{NAME}").json()
    ids = {c["id"] for c in current["concepts"]}
    assert "mekong" in ids
    assert "gdp" in ids


def test_changes_need_if_match(client: TestClient) -> None:
    res = client.post(f"/glossaries/{NAME}/proposals", json={"edits": MEKONG_EDIT})
    assert res.status_code == 412
    assert 'If-Match: "v1"' in res.json()["error"]


def test_reject_and_rollback(client: TestClient) -> None:
    p = _propose(client, MEKONG_EDIT).json()
    assert (
        client.post(f"/glossaries/{NAME}/proposals/{p['id']}/reject").json()["status"] == "rejected"
    )
    p2 = _propose(client, {"remove": ["gdp"]}).json()
    client.post(f"/glossaries/{NAME}/proposals/{p2['id']}/approve", headers={"If-Match": '"v1"'})
    res = client.post(
        f"/glossaries/{NAME}/rollback", params={"to": 1}, headers={"If-Match": '"v2"'}
    )
    assert res.json()["current_version"] == 3
    assert "gdp" in {c["id"] for c in client.get(f"/glossaries/{NAME}").json()["concepts"]}
    assert [v["number"] for v in client.get(f"/glossaries/{NAME}/versions").json()] == [1, 2, 3]


def test_bad_edits_and_uploads_are_refused_whole(client: TestClient) -> None:
    cases = [
        {"upsert": [{"id": "x", "terms": [{"text": "", "lang": "fr"}]}]},
        {"remove": ["no-such-concept"]},
        {"upsert": [{"id": "dup", "terms": [{"text": "Nations Unies", "lang": "fr"}]}]},
    ]
    for edits in cases:
        assert _propose(client, edits).status_code == 422, edits
    res = client.post(
        f"/glossaries/{NAME}/proposals",
        content=b"{not json",
        headers={"If-Match": '"v1"', "content-type": "application/json"},
    )
    assert res.status_code == 422
    assert res.json()["error"].startswith("body: not valid JSON")
    bad_csv = b'fr,en\n"Nations Unies,United Nations\n'
    res = client.post(
        f"/glossaries/{NAME}/proposals",
        files={"file": ("g.csv", bad_csv)},
        data={"format": "csv"},
        headers={"If-Match": '"v1"'},
    )
    assert res.status_code == 422
    assert "line 2: malformed CSV" in res.json()["error"]
    bad_tbx = b'<tbx xmlns="urn:iso:std:iso:30042:ed-2"/>'
    res = client.post(
        f"/glossaries/{NAME}/proposals",
        files={"file": ("g.tbx", bad_tbx)},
        headers={"If-Match": '"v1"'},
    )
    assert res.status_code == 422
    assert "not valid TBX" in res.json()["error"]
    assert client.get(f"/glossaries/{NAME}/proposals").json() == []


def test_upload_a_csv_as_a_proposal(client: TestClient) -> None:
    csv = "fr,vi,en\nMékong,Mê Kông,Mekong\n".encode()
    res = client.post(
        f"/glossaries/{NAME}/proposals",
        files={"file": ("new.csv", csv)},
        headers={"If-Match": '"v1"'},
    )
    assert res.status_code == 201, res.text
    d = res.json()["diff"]
    assert [c["id"] for c in d["added"]] == ["mekong"]
    assert len(d["removed"]) == 52  # an uploaded file replaces the glossary


def test_exports_validate_against_the_shared_schemas(client: TestClient) -> None:
    tbx = client.get(f"/glossaries/{NAME}/export", params={"format": "tbx"})
    assert tbx.headers["content-disposition"] == f'attachment; filename="{NAME}-v1.tbx"'
    schema = etree.RelaxNG(etree.parse(str(SHARED / "eval" / "formats" / "TBXcoreStructV03.rng")))
    assert schema.validate(etree.fromstring(tbx.content)), schema.error_log
    csv = client.get(f"/glossaries/{NAME}/export", params={"format": "csv"}).text
    assert csv.splitlines()[0] == "id,fr,vi,en,note"
    tsv = client.get(f"/glossaries/{NAME}/export", params={"format": "tsv"}).text
    assert tsv.splitlines()[1].startswith("un\tNations Unies\tLiên Hợp Quốc\tUnited Nations")


def test_impact_without_packages_lists_segments_without_english(client: TestClient) -> None:
    client.post("/documents", json={"text": "Titre\n\nLe Mékong traverse le Vietnam.\n"})
    p = _propose(client, MEKONG_EDIT).json()
    imp = client.get(f"/glossaries/{NAME}/proposals/{p['id']}/impact").json()
    assert imp["touched_concepts"] == ["mekong"]
    assert [c["source"] for c in imp["changed"]] == ["Le Mékong traverse le Vietnam."]
    assert imp["changed"][0]["before"] is None
    assert "no translation package" in imp["note"]


def test_review_page_is_served(client: TestClient) -> None:
    res = client.get("/review")
    assert res.status_code == 200
    assert "Glossary review" in res.text
