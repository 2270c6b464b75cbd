"""The /translate hot path (``service.api.direct``, ``TranslationMemory.lookup_now``): the edge
middleware serves ``POST /translate`` without the router, and the answers, errors included,
are the same as through FastAPI's routing; the memory answers on the event loop only what it
can answer without a query or a fuzzy search, and then exactly as :meth:`lookup` would.

Everything runs through the real Argos path with the copy-model fixture packages."""

from __future__ import annotations

import gc
import inspect
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI, Request
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from service.api.app import create_app
from service.api.deps import Services
from service.api.edge import EdgeMiddleware
from service.api.params import TranslateIn
from service.api.routes import translate as translate_route
from service.mt.packages import install_file
from service.settings import Settings
from tests.conftest import ROOT

MODELS = ROOT / "tests" / "fixtures" / "models"
FR = "Le Premier ministre a reçu mardi 12 ambassadeurs à Hanoï."
NEAR = "Le Premier ministre a reçu mardi 12 ambassadeurs à Hanoï hier."


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("direct") / "data"
    for pair in ("fr_en", "vi_en"):
        install_file(MODELS / f"{pair}.argosmodel", data / "packages")
    return data


def _routed(app: FastAPI) -> FastAPI:
    """``app`` with the edge's direct lane off: /translate through FastAPI's router."""
    [edge] = [m for m in app.user_middleware if m.cls is EdgeMiddleware]
    edge.kwargs["direct"] = {}
    return app


@pytest.fixture(scope="module")
def clients(data_dir: Path) -> Iterator[tuple[TestClient, TestClient]]:
    settings = Settings(data_dir=data_dir, translate_max_chars=300, max_body_bytes=2_000)
    with (
        TestClient(create_app(settings)) as direct,
        TestClient(_routed(create_app(settings))) as routed,
    ):
        yield direct, routed


# (what is sent, why it is in the table); each must get the same answer on both paths
CASES: list[tuple[dict[str, Any], str]] = [
    ({"json": {"q": FR, "source": "fr", "target": "en"}}, "plain JSON"),
    ({"json": {"q": [FR, "Court."], "source": "fr", "target": "en"}}, "a batch"),
    ({"data": {"q": FR, "source": "fr", "target": "en"}}, "a form, as LibreTranslate's clients"),
    ({"files": {"q": (None, FR), "source": (None, "fr"), "target": (None, "en")}}, "multipart"),
    ({"json": {"q": FR, "source": "auto", "target": "en"}}, "detected source language"),
    (
        {
            "json": {
                "q": "<p>Bonjour <b>Hanoï</b></p>",
                "source": "fr",
                "target": "en",
                "format": "html",
            }
        },
        "HTML, markup kept",
    ),
    ({"json": {"q": FR, "source": "fr", "target": "en", "alternatives": 2}}, "alternatives"),
    (
        {"json": {"q": FR, "source": "fr", "target": "en", "glossary": "vn-government-news"}},
        "a glossary, enforced and reported",
    ),
    (
        {"json": {"q": FR, "source": "fr", "target": "en", "glossary": "nope"}},
        "unknown glossary: 400 naming the ones there are",
    ),
    ({"json": {"source": "fr", "target": "en"}}, "missing q: LibreTranslate's 400"),
    ({"json": {"q": FR, "source": "french", "target": "en"}}, "not a language code: 400"),
    ({"json": {"q": FR, "source": "fr", "target": "de"}}, "no package into de: 400"),
    ({"json": {"q": "x" * 301, "source": "fr", "target": "en"}}, "over the character limit"),
    ({"json": {"q": FR, "source": "fr", "target": "en", "format": "pdf"}}, "unknown format"),
    ({"content": b'{"q": ', "headers": {"content-type": "application/json"}}, "broken JSON"),
    (
        {
            "chunks": [b"q=" + b"a" * 1_000, b"a" * 2_000],  # no Content-Length
            "headers": {"content-type": "application/x-www-form-urlencoded"},
        },
        "a chunked form past the body limit: 413 from the counted body",
    ),
]


@pytest.mark.parametrize(("request_kwargs", "why"), CASES, ids=[why for _, why in CASES])
def test_the_direct_lane_answers_as_the_router(
    clients: tuple[TestClient, TestClient], request_kwargs: dict[str, Any], why: str
) -> None:
    direct, routed = clients

    def send(client: TestClient) -> Any:
        kwargs = dict(request_kwargs)
        if "chunks" in kwargs:
            kwargs["content"] = iter(kwargs.pop("chunks"))
        return client.post("/translate", **kwargs)

    a, b = send(direct), send(routed)
    assert (a.status_code, a.json()) == (b.status_code, b.json()), why
    assert a.headers.get("content-type") == b.headers.get("content-type")
    if a.status_code == 200:
        assert "translatedText" in a.json()
    else:
        assert a.json()["error"], why


def test_the_direct_lane_is_taken_and_other_methods_still_routed(
    clients: tuple[TestClient, TestClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    direct, routed = clients
    scopes: list[dict[str, Any]] = []
    params = translate_route.translate_params

    async def spy(request: Request, svc: Services) -> TranslateIn:
        scopes.append(request.scope)
        return await params(request, svc)

    monkeypatch.setattr(translate_route, "translate_params", spy)
    for client in (direct, routed):
        res = client.post("/translate", json={"q": FR, "source": "fr", "target": "en"})
        assert res.json()["translatedText"] == FR
    # FastAPI's router puts the route and its exit stacks in the scope; the direct lane not
    on_lane, on_router = scopes
    assert "fastapi_inner_astack" in on_router
    assert "fastapi_inner_astack" not in on_lane
    assert direct.get("/translate").status_code == 200  # the web page, through the router
    res = direct.put("/translate", json={})
    assert res.status_code == 405
    assert "POST" in res.headers["allow"]


def test_an_unexpected_error_is_a_500_on_both_paths(
    clients: tuple[TestClient, TestClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(request: Request, svc: Services) -> TranslateIn:
        raise RuntimeError("a bug")

    monkeypatch.setattr(translate_route, "translate_params", broken)
    answers = []
    for client in clients:
        quiet = TestClient(client.app, raise_server_exceptions=False)  # lifespan already ran
        res = quiet.post("/translate", json={"q": FR, "source": "fr", "target": "en"})
        answers.append((res.status_code, res.text))
    assert answers[0] == answers[1]
    assert answers[0][0] == 500


def test_openapi_still_documents_translate(clients: tuple[TestClient, TestClient]) -> None:
    direct, routed = clients
    ours = direct.get("/openapi.json").json()["paths"]["/translate"]
    assert ours == routed.get("/openapi.json").json()["paths"]["/translate"]
    body = ours["post"]["requestBody"]["content"]
    assert set(body) == {"application/json", "application/x-www-form-urlencoded"}
    assert body["application/json"]["schema"]["required"] == ["q", "source", "target"]


# -- the memory on the event loop ------------------------------------------------------------


def test_lookup_now_answers_only_without_io_and_as_lookup_would(
    clients: tuple[TestClient, TestClient],
) -> None:
    direct, _ = clients
    app: Any = direct.app
    memory = app.state.services.memory
    memory.invalidate()
    assert memory.lookup_now([FR], src_lang="fr", tgt_lang="en") is None  # a check is due
    assert memory.lookup([FR], src_lang="fr", tgt_lang="en") == [None]  # builds, checks
    if len(memory.index("fr", "en")) == 0:
        assert memory.lookup_now([FR, ""], src_lang="fr", tgt_lang="en") == [None, None]
    tmx = (
        '<?xml version="1.0" encoding="UTF-8"?><tmx version="1.4"><header creationtool="t" '
        'creationtoolversion="1" segtype="sentence" o-tmf="t" adminlang="en" srclang="fr" '
        'datatype="plaintext"/><body><tu><tuv xml:lang="fr"><seg>'
        f"{FR}</seg></tuv><tuv xml:lang='en'><seg>The Prime Minister.</seg></tuv></tu>"
        "</body></tmx>"
    )
    res = direct.post("/tm/import", content=tmx.encode(), params={"name": "one.tmx"})
    assert res.status_code in {200, 201}, res.text
    assert memory.lookup_now([FR], src_lang="fr", tgt_lang="en") is None  # invalidated
    full = memory.lookup([FR, NEAR, "", "Autre chose."], src_lang="fr", tgt_lang="en")
    assert full[0] is not None
    assert full[0].exact
    assert full[1] is not None
    assert not full[1].exact
    # now fresh: exact matches and blanks on the loop, the same answer as lookup()
    assert memory.lookup_now([FR, "  "], src_lang="fr", tgt_lang="en") == [full[0], None]
    # a fuzzy search (found or not) is left to a worker thread
    assert memory.lookup_now([FR, NEAR], src_lang="fr", tgt_lang="en") is None
    assert memory.lookup_now(["Autre chose."], src_lang="fr", tgt_lang="en") is None
    assert memory.lookup_now([FR], src_lang="fr", tgt_lang="fr") == [None]  # nothing to do
    # and the route answers from the memory on that path
    out = direct.post("/translate", json={"q": FR, "source": "fr", "target": "en"}).json()
    assert out["translatedText"] == "The Prime Minister."
    assert out["provenance"]["origin"] == "tm-exact"


# -- the server's heap -----------------------------------------------------------------------


def test_a_server_app_freezes_its_startup_heap(data_dir: Path) -> None:
    gc.unfreeze()
    try:
        with TestClient(create_app(Settings(data_dir=data_dir), serving=True)) as client:
            assert client.get("/health").is_success
            assert gc.get_freeze_count() > 10_000  # the models, the app, the stores
        gc.unfreeze()
        with TestClient(create_app(Settings(data_dir=data_dir))) as client:
            assert client.get("/health").is_success
            assert gc.get_freeze_count() == 0  # tests and scripts: nothing frozen
    finally:
        gc.unfreeze()


def test_no_dependency_costs_a_thread(clients: tuple[TestClient, TestClient]) -> None:
    """A plain ``def`` dependency runs in the thread pool: a hop per request for what is a
    dictionary read. Every dependency of every route is ``async def``."""
    direct, _ = clients
    app: Any = direct.app
    plain: set[str] = set()

    def walk(dependant: Any) -> None:
        for sub in dependant.dependencies:
            if sub.call is not None and not inspect.iscoroutinefunction(sub.call):
                plain.add(f"{sub.call.__module__}.{sub.call.__qualname__}")
            walk(sub)

    def routes(items: Any) -> Iterator[APIRoute]:
        for item in items:
            inner = getattr(item, "original_router", None)  # an included router
            if inner is not None:
                yield from routes(inner.routes)
            elif isinstance(item, APIRoute):
                yield item

    found = list(routes(app.router.routes))
    assert len(found) > 50  # every route of the API and the pages
    for route in found:
        walk(route.dependant)
    assert not plain, f"plain-def dependencies: {sorted(plain)}"
