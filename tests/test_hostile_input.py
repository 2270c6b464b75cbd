"""Hostile input at the edge: each case is a clear 4xx JSON error naming what is wrong, and
the service stays up (every case runs against one app, /health checked after)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from service.api.app import create_app
from service.mt.argos import split_long
from service.mt.packages import install_file
from service.settings import Settings
from tests.conftest import ROOT
from tests.test_glossary_tbx import BILLION_LAUGHS

FR_EN = ROOT / "tests" / "fixtures" / "models" / "fr_en.argosmodel"
T = {"source": "fr", "target": "en"}
JSON = {"content-type": "application/json"}
FORM = {"content-type": "application/x-www-form-urlencoded"}
GLOSSARY = "/glossaries/vn-government-news/proposals"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def client(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    """One app per storage backend: every case runs on SQLite and on PostgreSQL (NUL in a
    query parameter used to be a 500 on PostgreSQL only)."""
    data = tmp_path_factory.mktemp("hostile") / "data"
    install_file(FR_EN, data / "packages")
    url = None
    if request.param == "postgresql":
        url = request.getfixturevalue("postgres").new_database()
    settings = Settings(data_dir=data, database_url=url)
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        doc = c.post("/documents", json={"text": "Bonjour le monde.\n"})
        assert doc.status_code in (200, 201), doc.text
        yield c


Case = Callable[[TestClient], Any]  # the test client's response
CASES: list[tuple[str, Case, int, str]] = [
    (
        "translate-nul",
        lambda c: c.post("/translate", json={"q": "Bon\x00jour", **T}),
        400,
        "q: a control character U+0000 at character 3",
    ),
    (
        "translate-escape-in-batch",
        lambda c: c.post("/translate", json={"q": ["ok", "a\x1bb"], **T}),
        400,
        "q[1]: a control character U+001B at character 1",
    ),
    (
        "translate-lone-surrogate",
        lambda c: c.post(
            "/translate", content=rb'{"q":"\ud800","source":"fr","target":"en"}', headers=JSON
        ),
        400,
        "a lone surrogate",
    ),
    (
        "translate-json-not-utf8",
        lambda c: c.post("/translate", content=b'{"q":"\xff"}', headers=JSON),
        400,
        "body: not valid JSON",
    ),
    (
        "translate-form-not-utf8",
        lambda c: c.post("/translate", content=b"q=%ff%fe&source=fr&target=en", headers=FORM),
        400,
        "form body is not UTF-8",
    ),
    (
        "translate-absurd-language-code",
        lambda c: c.post("/translate", json={"q": "a", "source": "x" * 5000, "target": "en"}),
        400,
        "source 'xxxxxxxxxxxxxxxxxxxx…' is not a language code",
    ),
    (
        "translate-unknown-language",
        lambda c: c.post("/translate", json={"q": "a", "source": "qq", "target": "en"}),
        400,
        "no translation package for qq->en",
    ),
    (
        "translate-too-many-characters",
        lambda c: c.post("/translate", json={"q": "a " * 10_001, **T}),
        400,
        "exceeds text limit (20000)",
    ),
    (
        "translate-too-many-texts",
        lambda c: c.post("/translate", json={"q": ["a"] * 101, **T}),
        400,
        "exceeds text limit (100)",
    ),
    (
        "translate-glossary-version-beyond-64-bits",
        lambda c: c.post(
            "/translate", json={"q": "a", **T, "glossary": "vn-government-news@" + "9" * 30}
        ),
        400,
        "glossary version must be a number",
    ),
    (
        "detect-nul",
        lambda c: c.post("/detect", json={"q": "\x00"}),
        400,
        "q: a control character U+0000",
    ),
    (
        "document-control-character",
        lambda c: c.post("/documents", json={"text": "Bonjour\x07 le monde"}),
        422,
        "text: a control character U+0007 at character 7",
    ),
    (
        "document-nul-in-name",
        lambda c: c.post("/documents", json={"text": "Bonjour le monde", "name": "a\x00"}),
        422,
        "name: a control character U+0000",
    ),
    (
        "document-not-utf8",
        lambda c: c.post(
            "/documents", content=b"Bonjour \xc3\x28", headers={"content-type": "text/plain"}
        ),
        400,
        "byte 0xc3 at offset 8 is invalid",
    ),
    (
        "document-name-absurdly-long",
        lambda c: c.post("/documents", json={"text": "Bonjour le monde", "name": "n" * 10_000}),
        422,
        "name: String should have at most 500 characters",
    ),
    (
        "align-nul",
        lambda c: c.post(
            "/align", json={"src": ["a\x00"], "tgt": ["b"], "src_lang": "fr", "tgt_lang": "vi"}
        ),
        422,
        "src[0]: a control character U+0000 at character 1",
    ),
    (
        "align-unknown-language",
        lambda c: c.post(
            "/align", json={"src": ["a"], "tgt": ["b"], "src_lang": "zz", "tgt_lang": "vi"}
        ),
        422,
        "src_lang: Input should be 'fr', 'vi' or 'en'",
    ),
    (
        "glossary-term-lone-surrogate",
        lambda c: c.post(
            GLOSSARY,
            content=rb'{"edits":{"upsert":[{"id":"x","terms":[{"text":"\ud800","lang":"fr"}]}]}}',
            headers={**JSON, "if-match": '"v1"'},
        ),
        422,
        "a lone surrogate",
    ),
    (
        "glossary-unknown-language-code",
        lambda c: c.post(
            GLOSSARY,
            json={"edits": {"upsert": [{"id": "x", "terms": [{"text": "a", "lang": "qqqqqqq"}]}]}},
            headers={"if-match": '"v1"'},
        ),
        422,
        "language must be an ISO 639 code",
    ),
    (
        "glossary-tbx-entity-bomb",
        lambda c: c.post(
            GLOSSARY,
            data={"format": "tbx"},
            files={"file": ("bomb.tbx", BILLION_LAUGHS, "application/xml")},
            headers={"if-match": '"v1"'},
        ),
        422,
        "DOCTYPE or entity declarations are refused",
    ),
    (
        "content-length-not-a-number",
        lambda c: c.post("/translate", content=b"{}", headers={**JSON, "content-length": "x"}),
        400,
        "Content-Length is not a number",
    ),
    (
        "content-length-of-ten-gigabytes",
        lambda c: c.post(
            "/documents", content=b"{}", headers={**JSON, "content-length": "10000000000"}
        ),
        413,
        "10000000000 bytes declared",
    ),
    # one JSON parser for every route: depth, numbers (issue 14, item 1)
    *[
        (
            f"json-1000-deep-{where}",
            lambda c, where=where: c.post(
                where,
                content=b'{"q":' + b"[" * 1000 + b"]" * 1000 + b"}",
                headers={**JSON, "if-match": '"v1"'},
            ),
            400 if where in ("/translate", "/detect") else 422,
            "nested deeper than 32 levels",
        )
        for where in ("/translate", "/detect", GLOSSARY, "/align", "/documents")
    ],
    (
        "json-1000-deep-in-edits",
        lambda c: c.post(
            GLOSSARY,
            content=b'{"edits":' + b"[" * 1000 + b"]" * 1000 + b"}",
            headers={**JSON, "if-match": '"v1"'},
        ),
        422,
        "nested deeper than 32 levels",
    ),
    (
        "json-number-1e400",
        lambda c: c.post(
            "/translate",
            content=b'{"q":"a","source":"fr","target":"en","alternatives":1e400}',
            headers=JSON,
        ),
        400,
        "number is infinity",
    ),
    *[
        (
            f"json-5000-digit-integer-{where}",
            lambda c, where=where: c.post(
                where,
                content=b'{"q":"a","source":"fr","target":"en","alternatives":'
                + b"7" * 5000
                + b"}",
                headers=JSON,
            ),
            400 if where == "/translate" else 422,
            "body: not valid JSON within the limits",
        )
        for where in ("/translate", "/align", "/documents")
    ],
    (
        "json-integer-beyond-64-bits",
        lambda c: c.post("/align", content=b'{"max_size": 1e30}', headers=JSON),
        422,
        "a number beyond 64 bits",
    ),
    # one text check for path and query parameters and every JSON string (item 2)
    (
        "nul-in-path",
        lambda c: c.get("/glossaries/%00"),
        422,
        "path: a control character U+0000",
    ),
    (
        "nul-in-proposal-status",
        lambda c: c.get("/glossaries/vn-government-news/proposals?status=%00"),
        422,
        "query parameter status: a control character U+0000",
    ),
    (
        "nul-in-translation-target",
        lambda c: c.get("/documents/1/translations?target=%00"),
        422,
        "query parameter target: a control character U+0000",
    ),
    (
        "nul-in-translation-glossary",
        lambda c: c.post("/documents/1/translations?glossary=%00"),
        422,
        "query parameter glossary: a control character U+0000",
    ),
    (
        "nul-in-proposal-note",
        lambda c: c.post(
            GLOSSARY, json={"edits": {}, "note": "a\x00b"}, headers={"if-match": '"v1"'}
        ),
        422,
        "note: a control character U+0000 at character 1",
    ),
    (
        "escape-in-proposal-author",
        lambda c: c.post(
            GLOSSARY, json={"edits": {}, "author": "\x1b[31m"}, headers={"if-match": '"v1"'}
        ),
        422,
        "author: a control character U+001B",
    ),
    (
        "nul-in-uploaded-proposal-note",
        lambda c: c.post(
            GLOSSARY,
            data={"format": "csv", "note": "x\x00"},
            files={"file": ("g.csv", b"fr,en\nbonjour,hello\n", "text/csv")},
            headers={"if-match": '"v1"'},
        ),
        422,
        "note: a control character U+0000",
    ),
    # an upper bound on the work of one token (item 3)
    (
        "translate-one-20000-character-word",
        lambda c: c.post("/translate", json={"q": "a" * 20_000, **T}),
        400,
        "a word of 20000 characters at character 0 is over the limit of 300",
    ),
    # contract (item 5)
    (
        "translate-empty-q",
        lambda c: c.post("/translate", json={"q": "", **T}),
        400,
        "missing q parameter",
    ),
    (
        "translate-empty-list",
        lambda c: c.post("/translate", json={"q": [], **T}),
        400,
        "missing q parameter",
    ),
    (
        "detect-numeric-api-key",
        lambda c: c.post("/detect", json={"q": "Bonjour", "api_key": 5}),
        400,
        "api_key must be a string",
    ),
    (
        "id-beyond-64-bits",
        lambda c: c.get("/documents/99999999999999999999999"),
        422,
        "doc_id",
    ),
]


@pytest.mark.parametrize(
    ("case", "status", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_hostile_input_gets_a_clear_4xx(
    client: TestClient, case: Case, status: int, message: str
) -> None:
    res = case(client)
    assert res.status_code == status, res.text
    assert res.headers["content-type"].startswith("application/json")
    assert message in res.json()["error"]
    assert client.get("/health").json()["status"] == "ok"


def test_a_sentence_longer_than_the_model_takes_is_translated_in_pieces(
    client: TestClient,
) -> None:
    """One 2,400-character "sentence" (clauses and commas, no full stop): decoded in pieces
    of at most 200 tokens instead of failing on the model's 512 positions."""
    q = ", ".join(f"le ministre a reçu {i} délégués à Hanoï" for i in range(60)) + "."
    res = client.post("/translate", json={"q": q, **T})
    assert res.status_code == 200, res.text
    out = res.json()["translatedText"]
    assert 0.9 < len(out) / len(q) < 1.1  # the copy model copies most of it back
    longest = client.post("/translate", json={"q": "a" * 300, **T})  # TRIGLOT_..._WORD_CHARS
    assert longest.status_code == 200


def test_405_lists_every_method_of_the_path(client: TestClient) -> None:
    res = client.put("/documents")
    assert res.status_code == 405
    assert res.headers["allow"] == "GET, POST"
    assert res.json()["code"] == "method_not_allowed"


@given(
    st.lists(st.sampled_from(["▁le", "▁mot", ",", "s", "▁Hanoï", ";", "é", "▁"]), max_size=900),
    st.integers(min_value=4, max_value=300),
)
def test_long_token_sequences_split_into_bounded_pieces(tokens: list[str], limit: int) -> None:
    pieces = split_long(tokens, limit)
    assert [t for p in pieces for t in p] == tokens
    assert all(0 < len(p) <= limit for p in pieces) or tokens == []
    assert len(pieces) <= max(1, -(-len(tokens) // (limit // 2)) + 1)


def test_pieces_end_after_clause_punctuation_when_they_can() -> None:
    tokens = ["▁a"] * 150 + [","] + ["▁b"] * 100
    pieces = split_long(tokens, 200)
    assert pieces[0][-1] == ","
    assert len(pieces[0]) == 151
