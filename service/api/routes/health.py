"""``GET /health``: what is installed and stored; open to monitors (no key, no limit).

The answer is built at most once a second (``TTL``) and at once after this server stores a
document, so a monitor polling it costs no database query per call; a document stored by
another process (``triglot ingest``) shows within a second.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from importlib.metadata import version

import orjson
from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from service.api.deps import Services, ServicesDep
from service.api.schemas import HealthOut, TranslationHealth

router = APIRouter(tags=["service"])
TTL = 1.0
"""Seconds an answer is reused."""
_VERSION = version("triglot")


@dataclass
class _Cached:
    body: bytes
    built: float


def _build(svc: Services) -> bytes:
    packages = svc.translator.packages()
    if packages:
        note = f"{len(packages)} translation package(s) installed"
    else:
        note = (
            "no translation packages installed: /translate answers 400 until one is "
            "(`triglot models install FILE.argosmodel`)"
        )
    out = HealthOut(
        status="ok",
        version=_VERSION,
        database=svc.db.dialect.name,
        documents=svc.documents.count(),
        translation=TranslationHealth(
            packages=[p.label for p in packages],
            pairs=sorted(f"{a}->{b}" for a, b in svc.translator.pairs()),
            message=note,
        ),
    )
    return orjson.dumps(out.model_dump())


def invalidate(request: Request) -> None:
    """Forget the cached answer (after this server stored a document). The translation memory
    has its own trigger (``memory.invalidate()``): a health change must not touch it."""
    request.app.state.health = None


@router.get("/health", response_model=HealthOut)
async def health(request: Request, svc: ServicesDep) -> Response:
    cached: _Cached | None = getattr(request.app.state, "health", None)
    now = time.monotonic()
    if cached is None or now - cached.built > TTL:
        cached = _Cached(await run_in_threadpool(_build, svc), now)
        request.app.state.health = cached
    return Response(cached.body, media_type="application/json")
