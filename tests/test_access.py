"""API keys, rate limits and body size limits: the access policy of service/access.py."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from service.api.app import create_app
from service.api.limits import RateLimiter
from service.errors import BadInputError, NotFoundError
from service.mt.packages import install_file
from service.settings import Settings
from service.store.db import make_engine, migrate
from service.store.keys import KeyExistsError, KeyStore
from tests.conftest import MEKONG_EDIT, ROOT, SEEDS, TRIGLOT

PAGE = (SEEDS / "004_606bed8f58cb9dd9.txt").read_text(encoding="utf-8")
FR_EN = ROOT / "tests" / "fixtures" / "models" / "fr_en.argosmodel"
NAME = "vn-government-news"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# --- rate limiter ------------------------------------------------------------------------


def test_bucket_allows_a_burst_then_one_request_per_interval() -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock=clock)
    decisions = [limiter.hit("a", 3) for _ in range(4)]
    assert [d.allowed for d in decisions] == [True, True, True, False]
    assert [d.remaining for d in decisions[:3]] == [2, 1, 0]
    assert decisions[3].retry_after == 20  # 3 per minute: one every 20 s
    clock.now += 19.0
    assert not limiter.hit("a", 3).allowed
    clock.now += 1.5
    assert limiter.hit("a", 3).allowed
    assert limiter.hit("b", 3).allowed  # clients are counted apart


def test_no_limit_and_bounded_memory() -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock=clock, max_clients=100)
    assert all(limiter.hit("a", 0).allowed for _ in range(1000))
    for i in range(1000):
        limiter.hit(f"client {i}", 10)
        clock.now += 0.1  # each client idle for longer and longer
    assert len(limiter) <= 101


# --- key store (storage contract: SQLite and PostgreSQL) --------------------------------


@pytest.fixture
def keys(db_url: str) -> Iterator[KeyStore]:
    engine = make_engine(db_url)
    migrate(engine)
    yield KeyStore(engine)
    engine.dispose()


def test_keys_are_stored_hashed_verified_and_revoked(keys: KeyStore, db_url: str) -> None:
    key, secret = keys.add("cat-tool", rate_limit=30)
    assert secret.startswith(key.prefix + "_")
    assert len(secret) == 56
    engine = make_engine(db_url)
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT prefix, digest FROM api_keys")).one()
    engine.dispose()
    assert secret not in "".join(stored)  # only the prefix and a digest are stored
    verified = keys.verify(secret)
    assert verified is not None
    assert (verified.name, verified.rate_limit) == ("cat-tool", 30)
    assert keys.verify(secret[:-1] + ("A" if secret[-1] != "A" else "B")) is None
    assert keys.verify("not a key") is None
    assert keys.any_active()
    keys.revoke("cat-tool")
    assert keys.verify(secret) is None
    assert not keys.any_active()
    assert keys.all()[0].revoked_at is not None


def test_key_names_are_checked(keys: KeyStore) -> None:
    keys.add("a")
    with pytest.raises(KeyExistsError, match="a key named 'a' exists already"):
        keys.add("a")
    with pytest.raises(BadInputError, match="key name"):
        keys.add("spaces are not allowed")
    with pytest.raises(BadInputError, match="rate limit -1"):
        keys.add("b", rate_limit=-1)
    with pytest.raises(NotFoundError, match="no API key named 'zzz'"):
        keys.revoke("zzz")


# --- the policy through the API ----------------------------------------------------------


def _client(tmp_path: Path, **settings: object) -> TestClient:
    data = tmp_path / "data"
    install_file(FR_EN, data / "packages")
    return TestClient(create_app(Settings(data_dir=data, **settings)))  # type: ignore[arg-type]


def test_writes_need_a_key_when_keys_are_on(tmp_path: Path) -> None:
    with _client(tmp_path, api_keys=True) as client:
        store: KeyStore = client.app.state.services.keys  # type: ignore[attr-defined]
        _key, secret = store.add("editor")
        res = client.post("/documents", json={"text": PAGE})
        assert res.status_code == 401
        assert res.headers["www-authenticate"] == "Bearer"
        assert res.json()["code"] == "key_required"
        assert "POST /documents needs an API key" in res.json()["error"]
        bad = client.post("/documents", json={"text": PAGE}, headers={"X-API-Key": "tgk_x"})
        assert (bad.status_code, bad.json()["code"]) == (403, "invalid_key")
        ok = client.post(
            "/documents", json={"text": PAGE}, headers={"Authorization": f"Bearer {secret}"}
        )
        assert ok.status_code == 201
        doc = ok.json()["id"]
        assert client.get(f"/documents/{doc}").status_code == 200  # reads stay open
        assert client.get("/glossaries").status_code == 200
        proposal = client.post(
            f"/glossaries/{NAME}/proposals",
            json={"edits": MEKONG_EDIT},
            headers={"If-Match": '"v1"'},
        )
        assert proposal.status_code == 401
        # translation is open unless TRIGLOT_TRANSLATE_REQUIRES_KEY
        res = client.post("/translate", json={"q": "Bonjour.", "source": "fr", "target": "en"})
        assert res.status_code == 200
        store.revoke("editor")  # refused from the next request on
        again = client.post("/documents", json={"text": PAGE}, headers={"X-API-Key": secret})
        assert again.status_code == 403


def test_translation_needs_a_key_when_configured(tmp_path: Path) -> None:
    with _client(tmp_path, api_keys=True, translate_requires_key=True) as client:
        _key, secret = client.app.state.services.keys.add("cat")  # type: ignore[attr-defined]
        body = {"q": "Bonjour.", "source": "fr", "target": "en"}
        res = client.post("/translate", json=body)
        assert res.status_code == 401
        assert client.post("/translate", json={**body, "api_key": "wrong"}).status_code == 403
        for res in (
            client.post("/translate", json={**body, "api_key": secret}),  # LibreTranslate JSON
            client.post("/translate", data={**body, "api_key": secret}),  # LibreTranslate form
            client.post("/translate", json=body, headers={"X-API-Key": secret}),
        ):
            assert res.status_code == 200, res.text
            assert res.json()["translatedText"] == "Bonjour."
        assert client.post("/detect", json={"q": "Bonjour."}).status_code == 200
        assert client.get("/health").status_code == 200


def test_a_key_may_have_its_own_character_limit(tmp_path: Path) -> None:
    """As LibreTranslate's per-key char_limit: the key's limit replaces the service's."""
    with _client(tmp_path, api_keys=True, translate_max_chars=10) as client:
        store: KeyStore = client.app.state.services.keys  # type: ignore[attr-defined]
        _small, small = store.add("small", char_limit=5)
        _big, big = store.add("big", char_limit=50)
        body = {"q": "Bonjour le monde.", "source": "fr", "target": "en"}  # 17 characters
        res = client.post("/translate", json={**body, "api_key": small})
        assert res.status_code == 400
        assert res.json()["error"] == "Invalid request: request (17) exceeds text limit (5)"
        assert client.post("/translate", json=body).json()["error"].endswith("limit (10)")
        ok = client.post("/translate", json=body, headers={"X-API-Key": big})
        assert ok.status_code == 200


def test_any_invalid_credential_is_refused_even_beside_a_valid_one(tmp_path: Path) -> None:
    with _client(tmp_path, api_keys=True, translate_requires_key=True) as client:
        store: KeyStore = client.app.state.services.keys  # type: ignore[attr-defined]
        _k, secret = store.add("editor")
        _o, other = store.add("other")
        body = {"q": "Bonjour.", "source": "fr", "target": "en"}
        cases = [
            ({"Authorization": "garbage", "X-API-Key": secret}, body),
            ({"Authorization": "Basic dXNlcjpwdw==", "X-API-Key": secret}, body),
            ({"Authorization": f"Bearer {secret}", "X-API-Key": "tgk_nope"}, body),
            ({"X-API-Key": secret}, {**body, "api_key": "wrong"}),
            ({"X-API-Key": secret}, {**body, "api_key": 12345}),
            ({"Authorization": f"Bearer {secret}", "X-API-Key": other}, body),
        ]
        for headers, sent in cases:
            res = client.post("/translate", json=sent, headers=headers)
            assert (res.status_code, res.json()["code"]) == (403, "invalid_key"), headers
        ok = client.post(
            "/translate", json={**body, "api_key": secret}, headers={"X-API-Key": secret}
        )
        assert ok.status_code == 200


def test_without_a_key_a_bad_body_gets_401_not_400(tmp_path: Path) -> None:
    """When a key is needed, its absence is answered before any complaint about the body."""
    with _client(tmp_path, api_keys=True, translate_requires_key=True) as client:
        json_headers = {"Content-Type": "application/json"}
        for path in ("/translate", "/documents", f"/glossaries/{NAME}/proposals"):
            for bad in (b"{not json", b"[" * 1000 + b"]" * 1000, b'{"a": 1e400}'):
                res = client.post(path, content=bad, headers=json_headers)
                assert res.status_code == 401, (path, bad[:10], res.text)
        res = client.post("/translate", content=b"q=%ff", headers={"Content-Type": FORM})
        assert res.status_code == 401


FORM = "application/x-www-form-urlencoded"


def test_characters_per_minute_limit_translation_beside_requests(tmp_path: Path) -> None:
    """LibreTranslate's --req-time-cost idea, in characters: a client may send 30 characters
    a minute; the request count alone would let it through."""
    with _client(tmp_path, translate_chars_per_minute=30) as client:
        body = {"source": "fr", "target": "en"}
        first = client.post("/translate", json={"q": "Bonjour le monde.", **body})  # 17
        assert first.status_code == 200
        second = client.post("/translate", json={"q": "Bonjour le monde.", **body})
        assert second.status_code == 429
        assert "30 characters per minute" in second.json()["error"]
        assert int(second.headers["retry-after"]) >= 1
        small = client.post("/translate", json={"q": "Oui.", **body})  # 4: within the rest
        assert small.status_code == 200


def test_keys_for_translation_need_keys_on(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="needs TRIGLOT_API_KEYS=true"):
        Settings(data_dir=tmp_path, translate_requires_key=True)


def test_rate_limits_per_address_and_per_key(tmp_path: Path) -> None:
    with _client(tmp_path, api_keys=True, rate_limit=3, key_rate_limit=5) as client:
        store: KeyStore = client.app.state.services.keys  # type: ignore[attr-defined]
        _a, fast = store.add("fast")
        _b, slow = store.add("slow", rate_limit=1)
        codes = [client.get("/documents").status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        res = client.get("/documents")
        assert res.json()["code"] == "rate_limited"
        assert "address testclient is limited to 3 per minute" in res.json()["error"]
        assert 1 <= int(res.headers["retry-after"]) <= 20
        assert (res.headers["x-ratelimit-limit"], res.headers["x-ratelimit-remaining"]) == (
            "3",
            "0",
        )
        assert client.get("/health").status_code == 200  # never limited
        with_key = [
            client.get("/documents", headers={"X-API-Key": fast}) for _ in range(6)
        ]  # a key has its own bucket, with the keys' default limit
        assert [r.status_code for r in with_key] == [200] * 5 + [429]
        posted = client.post("/documents", json={"text": PAGE}, headers={"X-API-Key": slow})
        assert (posted.status_code, posted.headers["x-ratelimit-remaining"]) == (201, "0")
        assert with_key[0].headers["x-ratelimit-limit"] == "5"
        assert with_key[0].headers["x-ratelimit-remaining"] == "4"
        over = client.get("/documents", headers={"X-API-Key": slow})  # its own limit: 1/min
        assert over.status_code == 429
        assert int(over.headers["retry-after"]) == 60


# --- body size limits --------------------------------------------------------------------


def test_every_route_has_a_body_limit(tmp_path: Path) -> None:
    with _client(tmp_path, max_body_bytes=2_000, max_glossary_bytes=3_000) as client:
        big = "x" * 5_000
        res = client.post("/translate", json={"q": big, "source": "fr", "target": "en"})
        assert res.status_code == 413
        assert res.json()["code"] == "too_large"
        assert "limit of 2000 bytes for /translate (TRIGLOT_MAX_BODY_BYTES)" in res.json()["error"]

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
            yield b'{"q": "'
            for _ in range(10):
                yield b"y" * 500
            yield b'", "source": "fr", "target": "en"}'

        res = client.post(
            "/translate", content=chunks(), headers={"Content-Type": "application/json"}
        )
        assert res.status_code == 413
        assert res.json()["code"] == "too_large"
        upload = client.post(
            f"/glossaries/{NAME}/proposals",
            data={"format": "csv", "pair": "fr,en"},
            files={"file": ("g.csv", b"fr,en\n" + b"a,b\n" * 2_000, "text/csv")},
            headers={"If-Match": '"v1"'},
        )
        assert upload.status_code == 413
        assert "TRIGLOT_MAX_GLOSSARY_BYTES" in upload.json()["error"]
        page = client.post(
            "/documents", content=PAGE.encode(), headers={"Content-Type": "text/plain"}
        )
        assert page.status_code == 201  # pages have their own, larger limit
        assert client.get("/health").json()["status"] == "ok"  # and the service is up


def test_cli_keys_add_list_revoke(tmp_path: Path) -> None:
    env = {"TRIGLOT_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin:/bin"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [TRIGLOT, "keys", *args], env=env, capture_output=True, text=True, check=False
        )

    added = run("add", "cat-tool", "--rate-limit", "30")
    assert added.returncode == 0, added.stderr
    secret = added.stdout.strip()
    assert secret.startswith("tgk_")
    assert "not shown again" in added.stderr
    listed = run("list")
    assert listed.stdout.startswith(f"cat-tool\t{secret[:12]}\tactive\t30/min")
    assert secret not in listed.stdout
    assert run("add", "cat-tool").returncode == 65
    assert run("revoke", "cat-tool").stdout.startswith("revoked cat-tool")
    assert "\trevoked " in run("list").stdout
    missing = run("revoke", "nobody")
    assert (missing.returncode, missing.stderr.strip()) == (
        65,
        "triglot: no API key named 'nobody'",
    )
