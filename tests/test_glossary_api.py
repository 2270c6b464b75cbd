"""Glossary versions, proposals and review decisions through the HTTP API."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from lxml import etree

from glossary.jsonform import apply_edits
from service.api.app import create_app
from service.settings import Settings
from service.store.glossaries import GlossaryStore
from service.store.keys import KeyStore
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
    assert res.status_code == 428  # missing (RFC 6585); a stale one is 412
    assert "needs If-Match" in res.json()["error"]


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
    assert d["removed"] == []  # an uploaded file is merged (replace=true replaces)


def test_exports_validate_against_the_shared_schemas(client: TestClient) -> None:
    tbx = client.get(f"/glossaries/{NAME}/export", params={"format": "tbx"})
    assert tbx.headers["content-disposition"] == f'attachment; filename="{NAME}-v1.tbx"'
    schema = etree.RelaxNG(etree.parse(str(SHARED / "eval" / "formats" / "TBXcoreStructV03.rng")))
    assert schema.validate(etree.fromstring(tbx.content)), schema.error_log
    csv = client.get(f"/glossaries/{NAME}/export", params={"format": "csv"}).text
    assert csv.splitlines()[0].startswith("id,fr,fr_admitted,fr_forbidden,vi,")
    tsv = client.get(f"/glossaries/{NAME}/export", params={"format": "tsv"}).text
    assert tsv.splitlines()[1].startswith('un\tNations Unies\t"Organisation des Nations Unies')


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


# --- review work: who did what, bounds, superseded proposals, impact as a job ----------------


def _client_with(settings: Settings, **changes: Any) -> TestClient:
    return TestClient(create_app(settings.model_copy(update=changes)))


def _keys(client: TestClient, *names: str) -> dict[str, dict[str, str]]:
    """Keys made in the running app's store: name -> the header that sends it."""
    store: KeyStore = client.app.state.services.keys  # type: ignore[attr-defined]
    return {n: {"X-API-Key": store.add(n)[1]} for n in names}


def _concept(cid: str) -> dict[str, Any]:
    return {
        "id": cid,
        "terms": [
            {"text": f"terme {cid}", "lang": "fr"},
            {"text": f"term {cid}", "lang": "en"},
        ],
    }


def test_history_names_author_approver_and_reasons(settings: Settings) -> None:
    with _client_with(settings, api_keys=True) as client:
        key = _keys(client, "alice", "bob")
        res = client.post(
            f"/glossaries/{NAME}/proposals",
            json={"edits": MEKONG_EDIT, "note": "add the Mekong", "author": "someone else"},
            headers={"If-Match": '"v1"', **key["alice"]},
        )
        assert res.status_code == 201, res.text
        p = res.json()
        assert p["author"] == "alice"  # the key's name, not the name the body claims
        # reading proposals needs a key when keys are on
        assert client.get(f"/glossaries/{NAME}/proposals").status_code == 401
        assert client.get(f"/glossaries/{NAME}/proposals/{p['id']}").status_code == 401
        assert client.get(f"/glossaries/{NAME}/proposals", headers=key["bob"]).status_code == 200
        res = client.post(
            f"/glossaries/{NAME}/proposals/{p['id']}/approve",
            headers={"If-Match": '"v1"', **key["bob"]},
        )
        assert res.status_code == 200, res.text
        history = client.get(f"/glossaries/{NAME}/versions").json()
        assert [(v["number"], v["author"], v["approver"]) for v in history] == [
            (1, "triglot", "triglot"),
            (2, "alice", "bob"),
        ]
        assert history[1]["note"] == "add the Mekong"
        assert history[1]["concepts"] == 53
        assert history[1]["created_at"]
        r = client.post(
            f"/glossaries/{NAME}/proposals",
            json={"edits": {"remove": ["gdp"]}},
            headers={"If-Match": '"v2"', **key["alice"]},
        ).json()
        res = client.post(
            f"/glossaries/{NAME}/proposals/{r['id']}/reject",
            json={"reason": "GDP is used in every economy story"},
            headers=key["bob"],
        )
        assert res.status_code == 200, res.text
        assert (res.json()["status"], res.json()["approver"]) == ("rejected", "bob")
        assert res.json()["reason"] == "GDP is used in every economy story"
        bad = client.post(
            f"/glossaries/{NAME}/proposals/{r['id']}/reject",
            json={"reason": 3},
            headers=key["bob"],
        )
        assert bad.status_code == 422
        assert "reason" in bad.json()["error"]


def test_keys_off_records_the_name_given_or_anonymous(client: TestClient) -> None:
    assert _propose(client, {"remove": ["gdp"]}).json()["author"] == "tester"  # unverified
    res = client.post(
        f"/glossaries/{NAME}/proposals", json={"edits": MEKONG_EDIT}, headers={"If-Match": '"v1"'}
    )
    p = res.json()
    assert p["author"] == "anonymous"
    client.post(f"/glossaries/{NAME}/proposals/{p['id']}/approve", headers={"If-Match": '"v1"'})
    assert client.get(f"/glossaries/{NAME}/versions").json()[1]["approver"] == "anonymous"


def test_four_eyes_forbids_approving_ones_own_proposal(settings: Settings) -> None:
    with _client_with(settings, api_keys=True, glossary_four_eyes=True) as client:
        key = _keys(client, "alice", "bob")
        p = client.post(
            f"/glossaries/{NAME}/proposals",
            json={"edits": MEKONG_EDIT},
            headers={"If-Match": '"v1"', **key["alice"]},
        ).json()
        own = client.post(
            f"/glossaries/{NAME}/proposals/{p['id']}/approve",
            headers={"If-Match": '"v1"', **key["alice"]},
        )
        assert (own.status_code, own.json()["code"]) == (403, "four_eyes")
        assert "another person must approve it" in own.json()["error"]
        other = client.post(
            f"/glossaries/{NAME}/proposals/{p['id']}/approve",
            headers={"If-Match": '"v1"', **key["bob"]},
        )
        assert other.status_code == 200


def test_superseded_proposals_close_with_the_reason(client: TestClient) -> None:
    first, second, third = (
        _propose(client, e).json()
        for e in (MEKONG_EDIT, {"remove": ["gdp"]}, {"upsert": [_concept("x1")]})
    )
    res = client.post(
        f"/glossaries/{NAME}/proposals/{first['id']}/approve", headers={"If-Match": '"v1"'}
    )
    assert res.json()["superseded"] == [second["id"], third["id"]]
    closed = client.get(f"/glossaries/{NAME}/proposals", params={"status": "superseded"})
    assert closed.headers["x-total-count"] == "2"
    reason = closed.json()[0]["reason"]
    assert f"version 2 (proposal {first['id']}) was approved" in reason
    assert "propose again from version 2" in reason
    assert client.get("/glossaries").json()[0]["open_proposals"] == 0
    bogus = client.get(f"/glossaries/{NAME}/proposals", params={"status": "bogus"})
    assert bogus.status_code == 422


def test_proposals_diffs_and_history_are_paged(client: TestClient) -> None:
    big = _propose(client, {"upsert": [_concept(f"c{i}") for i in range(5)]}).json()
    assert big["diff"]["counts"] == {"added": 5, "removed": 0, "changed": 0}
    for edits in ({"remove": ["gdp"]}, MEKONG_EDIT):
        _propose(client, edits)
    res = client.get(f"/glossaries/{NAME}/proposals", params={"limit": 2, "diff_limit": 0})
    assert res.headers["x-total-count"] == "3"
    assert [p["id"] for p in res.json()] == [big["id"], big["id"] + 1]
    assert res.json()[0]["diff"]["added"] == []  # counts only
    assert res.json()[0]["diff"]["counts"]["added"] == 5
    rest = client.get(f"/glossaries/{NAME}/proposals", params={"offset": 2}).json()
    assert len(rest) == 1
    page = client.get(
        f"/glossaries/{NAME}/proposals/{big['id']}", params={"offset": 2, "limit": 2}
    ).json()["diff"]
    assert [c["id"] for c in page["added"]] == ["c2", "c3"]
    for params in ({"limit": 0}, {"limit": 5000}, {"offset": -1}):
        res = client.get(f"/glossaries/{NAME}/proposals", params=params)
        assert res.status_code == 422, params
    client.post(f"/glossaries/{NAME}/proposals/{big['id']}/approve", headers={"If-Match": '"v1"'})
    d = client.get(f"/glossaries/{NAME}/diff", params={"from": 1, "to": 2, "limit": 1}).json()
    assert d["counts"]["added"] == 5
    assert len(d["added"]) == 1
    versions = client.get(f"/glossaries/{NAME}/versions", params={"offset": 1, "limit": 1})
    assert versions.headers["x-total-count"] == "2"
    assert [v["number"] for v in versions.json()] == [2]


def test_limits_on_concepts_per_glossary_and_per_proposal(settings: Settings) -> None:
    with _client_with(settings, glossary_max_concepts=53, proposal_max_changes=2) as client:
        assert _propose(client, {"upsert": [_concept("a")]}).status_code == 201
        res = _propose(client, {"upsert": [_concept("a"), _concept("b")]})
        assert res.status_code == 413
        assert "54 concepts is over the limit of 53" in res.json()["error"]
        assert "TRIGLOT_GLOSSARY_MAX_CONCEPTS" in res.json()["error"]
        res = _propose(client, {"remove": ["gdp", "un", "pm"]})
        assert res.status_code == 413
        assert "3 concepts added, removed or changed" in res.json()["error"]
        assert client.get(f"/glossaries/{NAME}/proposals").headers["x-total-count"] == "1"


def test_impact_is_one_stored_job_per_proposal(client: TestClient) -> None:
    for i in range(3):
        client.post("/documents", json={"text": f"Titre {i}\n\nLe Mékong traverse le pays {i}.\n"})
    p = _propose(client, MEKONG_EDIT).json()
    url = f"/glossaries/{NAME}/proposals/{p['id']}/impact"
    first = client.get(url, params={"limit": 2})
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["state"] == "done"
    assert (body["total"], len(body["changed"]), body["segments_checked"]) == (3, 2, 3)
    second = client.get(url, params={"offset": 2}).json()
    assert second["job"]["id"] == body["job"]["id"]  # computed once
    assert len(second["changed"]) == 1
    job = client.get(f"/jobs/{body['job']['id']}").json()
    assert (job["kind"], job["state"], job["progress"]["done"]) == ("impact", "done", 3)
    assert client.post(f"/jobs/{body['job']['id']}/cancel").status_code == 409
    again = client.post(url)
    assert again.status_code == 202
    assert again.json()["job"]["id"] != body["job"]["id"]


def test_impact_is_capped(settings: Settings) -> None:
    with _client_with(settings, impact_max_segments=2) as client:
        for i in range(4):
            client.post(
                "/documents", json={"text": f"Titre {i}\n\nLe Mékong traverse le pays {i}.\n"}
            )
        p = _propose(client, MEKONG_EDIT).json()
        imp = client.get(f"/glossaries/{NAME}/proposals/{p['id']}/impact").json()
        assert (imp["segments_checked"], imp["cap"], imp["truncated"]) == (2, 2, True)


def test_parsed_versions_are_cached_and_follow_other_processes(client: TestClient) -> None:
    services = client.app.state.services  # type: ignore[attr-defined]
    store: GlossaryStore = services.glossaries
    number, first = store.current(NAME)
    assert store.current(NAME)[1] is first  # parsed once
    other = GlossaryStore(services.db)  # another process's store on the same database
    p = other.propose(NAME, apply_edits(first, MEKONG_EDIT), if_match='"v1"', note="", author="x")
    other.approve(NAME, p.id, if_match='"v1"', approver="y")
    number, second = store.current(NAME)
    assert number == 2
    assert "mekong" in {c.id for c in second.concepts}
    assert store.version(NAME, 1) is first  # old versions never change


def test_tbx_export_of_a_term_xml_cannot_carry_is_a_clear_error(client: TestClient) -> None:
    """U+FFFF passes the text check (it is not a control character) but XML 1.0 cannot
    carry it: the TBX export says so (422) instead of failing; CSV still exports it."""
    edits = {"upsert": [{"id": "odd", "terms": [{"text": "terme\uffff", "lang": "fr"}]}]}
    made = _propose(client, edits)
    assert made.status_code == 201, made.text
    approved = client.post(
        f"/glossaries/{NAME}/proposals/{made.json()['id']}/approve", headers={"If-Match": '"v1"'}
    )
    assert approved.status_code == 200, approved.text
    res = client.get(f"/glossaries/{NAME}/export", params={"format": "tbx"})
    assert res.status_code == 422
    assert "export as csv or tsv" in res.json()["error"]
    assert client.get(f"/glossaries/{NAME}/export", params={"format": "csv"}).status_code == 200


def test_translate_chooses_a_recent_current_version_without_the_database(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``current_cached``: what /translate uses on the event loop. Another process's approval
    shows once HEAD_TTL has passed; this process's own approval and rollback at once."""
    from service.store import glossaries  # noqa: PLC0415

    services = client.app.state.services  # type: ignore[attr-defined]
    store: GlossaryStore = services.glossaries
    number, first = store.current(NAME)
    assert store.current_cached(NAME) == (number, first)
    assert store.current_cached(f"{NAME}@1") is None  # pinned versions go to the store
    other = GlossaryStore(services.db)  # another process
    p = other.propose(NAME, apply_edits(first, MEKONG_EDIT), if_match='"v1"', note="", author="x")
    other.approve(NAME, p.id, if_match='"v1"', approver="y")
    assert store.current_cached(NAME) == (1, first)  # trusted for HEAD_TTL
    monkeypatch.setattr(glossaries, "HEAD_TTL", 0.0)
    assert store.current_cached(NAME) is None  # then read again
    assert store.current(NAME)[0] == 2
    monkeypatch.setattr(glossaries, "HEAD_TTL", 60.0)
    mine = store.propose(NAME, first, if_match='"v2"', note="back", author="me")
    store.approve(NAME, mine.id, if_match='"v2"', approver="me")
    assert store.current_cached(NAME) == (3, store.proposal_content(mine))  # at once
    store.rollback(NAME, 2, if_match='"v3"', approver="me")
    cached = store.current_cached(NAME)
    assert cached is not None
    assert cached[0] == 4
    assert cached[1] is store.version(NAME, 2)  # the content rolled back to, parsed once
    import asyncio  # noqa: PLC0415

    from service.api.glossary_choice import glossary_for  # noqa: PLC0415

    chosen = asyncio.run(glossary_for(NAME, None, services))
    assert chosen is not None
    assert (chosen.version, chosen.chosen_by) == (4, "request")
    assert chosen.glossary is cached[1]


def test_a_read_that_began_before_an_approval_does_not_bring_the_old_version_back(
    client: TestClient,
) -> None:
    services = client.app.state.services  # type: ignore[attr-defined]
    store: GlossaryStore = services.glossaries
    number, first = store.current(NAME)
    mine = store.propose(
        NAME, apply_edits(first, MEKONG_EDIT), if_match='"v1"', note="", author="a"
    )
    store.approve(NAME, mine.id, if_match='"v1"', approver="b")
    head = store.head(NAME)
    assert head is not None
    store._saw(NAME, head[0], number)  # what a current() that read version 1 just before records
    cached = store.current_cached(NAME)
    assert cached is not None
    assert cached[0] == 2
