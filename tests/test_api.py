"""The HTTP API through the real app (test settings, temporary SQLite database)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from service.settings import Settings
from tests.conftest import SEEDS


@pytest.fixture
def settings(settings_on_each_backend: Settings) -> Settings:
    """Part of the storage contract: every test here runs on SQLite and on PostgreSQL."""
    return settings_on_each_backend


SEED = SEEDS / "004_606bed8f58cb9dd9.txt"


def test_health_on_an_empty_database_with_no_packages(
    client: TestClient, settings: Settings
) -> None:
    res = client.get("/health")
    assert res.status_code == 200
    body = res.json()
    assert {k: body[k] for k in ("status", "database", "documents")} == {
        "status": "ok",
        "database": settings.resolved_database_url().split(":")[0].split("+")[0],
        "documents": 0,
    }
    assert body["translation"]["packages"] == []
    assert "no translation packages installed" in body["translation"]["message"]


def test_post_json_then_get_and_list(client: TestClient) -> None:
    text = SEED.read_text(encoding="utf-8")
    res = client.post("/documents", json={"text": text, "name": "seed-004"})
    assert res.status_code == 201, res.text
    body = res.json()
    assert body["created"] is True
    assert [(p["vi_unit"]["kind"], p["fr_unit"]["lines"]) for p in body["pairs"]] == [
        ("caption", [3]),
        ("slug", [3]),
    ]
    assert body["meta"]["outlet"] == "Báo Chính Phủ"
    seg = body["segments"][0]
    assert text[seg["start"] : seg["end"]] == seg["text"]
    assert {s["kind"] for s in body["segments"]} >= {"headline", "caption", "source"}

    again = client.post("/documents", json={"text": text})
    assert again.status_code == 200
    assert again.json()["id"] == body["id"]
    assert again.json()["created"] is False

    got = client.get(f"/documents/{body['id']}")
    assert got.status_code == 200
    assert got.json()["segments"] == body["segments"]

    listing = client.get("/documents").json()
    assert listing["total"] == 1
    assert listing["items"][0]["created_at"].endswith(("+00:00", "Z"))  # RFC 3339, with zone
    assert got.json()["created_at"] == listing["items"][0]["created_at"]
    assert listing["items"][0]["title"].startswith("Secrétaire général de l'ONU")
    assert listing["items"][0]["n_segments"] == len(body["segments"])


def test_post_plain_text_with_url_query(client: TestClient) -> None:
    res = client.post(
        "/documents",
        content=b"Titre\n\nUn paragraphe de texte.\n",
        headers={"content-type": "text/plain; charset=utf-8"},
        params={"url": "https://vtv.vn/tieu-de-bai-viet-100251025124908738.htm"},
    )
    assert res.status_code == 201, res.text
    assert res.json()["meta"]["outlet"] == "VTV"
    assert res.json()["meta"]["date"] == "2025-10-25"


def test_body_that_is_not_utf8_is_a_400_naming_the_byte(client: TestClient) -> None:
    res = client.post(
        "/documents",
        content="Café noir".encode("latin-1"),
        headers={"content-type": "text/plain"},
    )
    assert res.status_code == 400
    assert res.json()["code"] == "not_utf8"
    assert "0xe9 at offset 3" in res.json()["error"]
    assert client.get("/health").json()["documents"] == 0


def test_empty_page_is_a_422(client: TestClient) -> None:
    for res in (
        client.post("/documents", json={"text": "  \n\n "}),
        client.post("/documents", content=b"\n\n", headers={"content-type": "text/plain"}),
    ):
        assert res.status_code == 422
        assert "empty" in res.json()["error"]
    assert client.get("/health").json()["documents"] == 0


def test_page_over_the_limit_is_a_413_naming_the_limit(client: TestClient) -> None:
    big = "Un paragraphe assez long pour remplir la page.\n" * 5000  # > 200 000 bytes
    res = client.post("/documents", json={"text": big})
    assert res.status_code == 413
    assert "200000 bytes" in res.json()["error"]
    res = client.post("/documents", content=big.encode(), headers={"content-type": "text/plain"})
    assert res.status_code == 413
    assert client.get("/health").json()["documents"] == 0


def test_malformed_json_and_missing_field_are_422_naming_the_field(client: TestClient) -> None:
    res = client.post(
        "/documents", content=b'{"txt": "x"}', headers={"content-type": "application/json"}
    )
    assert res.status_code == 422
    assert "text" in res.json()["error"]
    res = client.post(
        "/documents", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert res.status_code == 422


def test_unsupported_content_type_is_a_415(client: TestClient) -> None:
    res = client.post("/documents", content=b"<p>x</p>", headers={"content-type": "image/png"})
    assert res.status_code == 415
    assert "image/png" in res.json()["error"]


def test_unknown_document_is_a_404_with_json(client: TestClient) -> None:
    res = client.get("/documents/4242")
    assert res.status_code == 404
    assert res.json() == {"error": "no document with id 4242", "code": "not_found"}
    assert client.get("/documents/abc").status_code == 422


def test_openapi_documents_the_endpoints(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert {"/health", "/documents", "/documents/{doc_id}"} <= set(spec["paths"])
    assert client.get("/docs").status_code == 200


def test_alignments_of_a_stored_document(client: TestClient) -> None:
    doc = client.post("/documents", json={"text": SEED.read_text(encoding="utf-8")}).json()
    res = client.get(f"/documents/{doc['id']}/alignments")
    assert res.status_code == 200
    pairs = res.json()["pairs"]
    assert pairs == doc["pairs"]
    caption = pairs[0]
    assert caption["occurrences"] == 11
    assert caption["fr"].startswith("Secrétaire général de l'ONU")
    assert {e["kind"] for e in caption["evidence"]} >= {"concept", "name"}
    assert client.get("/documents/999/alignments").status_code == 404


def test_align_lists_and_texts(client: TestClient) -> None:
    res = client.post(
        "/align",
        json={
            "src": ["Le Premier ministre a reçu 12 ambassadeurs à Hanoï.", "Partager"],
            "tgt": "Thủ tướng đã tiếp 12 đại sứ tại Hà Nội.",
            "src_lang": "fr",
            "tgt_lang": "vi",
        },
    )
    assert res.status_code == 200, res.text
    body = res.json()
    assert [(b["src_idx"], b["tgt_idx"]) for b in body["beads"]] == [([0], [0]), ([1], [])]
    assert body["beads"][0]["tgt"] == "Thủ tướng đã tiếp 12 đại sứ tại Hà Nội."
    assert body["tgt_sentences"] == ["Thủ tướng đã tiếp 12 đại sứ tại Hà Nội."]


def test_align_bad_input_names_the_problem(client: TestClient) -> None:
    fr = ["Le Premier ministre a reçu les ambassadeurs des pays voisins à Hanoï."]
    vi = ["Thủ tướng đã tiếp các đại sứ của những nước láng giềng tại Hà Nội."]
    cases = [
        ({"src": fr, "tgt": vi, "src_lang": "de"}, "src_lang: Input should be 'fr', 'vi' or 'en'"),
        ({"src": vi, "tgt": fr}, "src reads as 'vi', not the declared 'fr'"),
        ({"src": [], "tgt": []}, "both empty"),
        ({"src": ["x" * 30_000], "tgt": vi, "check_langs": False}, "30000 characters"),
        ({"src": fr, "tgt": vi, "max_size": 9}, "max_size"),
    ]
    for body, message in cases:
        res = client.post("/align", json=body)
        assert res.status_code == 422, body
        assert message in res.json()["error"]


def test_ids_and_offsets_beyond_64_bits_are_a_422_not_a_crash(client: TestClient) -> None:
    huge = str(2**70)
    for url in (
        f"/documents/{huge}",
        f"/documents/{huge}/alignments",
        f"/documents/{huge}/tmx",
        f"/documents?offset={huge}",
        f"/pairs?offset={huge}",
        f"/tmx?documents={huge}",
        f"/glossaries/vn-government-news/versions/{huge}",
        f"/glossaries/vn-government-news/proposals/{huge}",
        f"/glossaries/vn-government-news/diff?from={huge}&to=1",
    ):
        res = client.get(url)
        assert res.status_code == 422, (url, res.status_code)
        assert "error" in res.json()


def test_health_past_its_ttl_answers_at_once_and_refreshes_in_the_background(
    client: TestClient,
) -> None:
    """A document stored by another process shows on a later call; the call that finds the
    answer old does not wait for the database. If building fails, the next call says so."""
    import time  # noqa: PLC0415

    from service.align.ingest import ingest_text  # noqa: PLC0415
    from service.api.routes import health  # noqa: PLC0415

    assert client.get("/health").json()["documents"] == 0
    services = client.app.state.services  # type: ignore[attr-defined]
    ingest_text(services.documents, "Le ministre a reçu les délégués.", name="other-process")
    client.app.state.health.cached.built -= 2 * health.TTL  # type: ignore[attr-defined]
    assert client.get("/health").json()["documents"] == 0  # the old answer, at once
    deadline = time.monotonic() + 5
    while client.get("/health").json()["documents"] != 1:
        assert time.monotonic() < deadline
        time.sleep(0.02)

    def broken() -> int:
        raise RuntimeError("database gone")

    services.documents.count = broken
    client.app.state.health.cached.built -= 2 * health.TTL  # type: ignore[attr-defined]
    assert client.get("/health").status_code == 200  # the old answer; the rebuild fails
    deadline = time.monotonic() + 5
    while client.app.state.health.cached is not None:  # type: ignore[attr-defined]
        assert time.monotonic() < deadline
        time.sleep(0.02)
    with pytest.raises(RuntimeError, match="database gone"):  # built here: the error shows
        client.get("/health")
