"""``GET /health``: what is installed and stored; open to monitors (no key, no limit).

The answer is built at most once a second (``TTL``) and at once after this server stores a
document, so a monitor polling it costs no database query per call; a document stored by
another process (``triglot ingest``) shows within a second. An answer older than that is
still given while a fresh one is built in the background: no call waits for the database
or for a worker thread (which wait their turn for the interpreter while large glossary work
runs in other threads). If building fails (the database is gone), the next call builds in
the foreground and answers with the error.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from importlib.metadata import version
from typing import Any

import orjson
from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from service.api.deps import Services, ServicesDep
from service.api.schemas import HealthOut, TranslationHealth

log = logging.getLogger(__name__)
router = APIRouter(tags=["service"])
TTL = 1.0
"""Seconds an answer is reused."""
_VERSION = version("triglot")


@dataclass
class _Cached:
    body: bytes
    built: float


@dataclass
class _Health:
    """The app's /health answer (``app.state.health``): the cached one and the background
    rebuild in flight. Invalidating drops the whole object, so a rebuild that began before
    fills only the dropped one."""

    cached: _Cached | None = None
    refresh: asyncio.Future[None] | None = None


def _health(state: Any) -> _Health:
    found: _Health | None = getattr(state, "health", None)
    if found is None:
        found = state.health = _Health()
    return found


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
    state = _health(request.app.state)
    cached = state.cached
    if cached is None:
        cached = state.cached = _Cached(await run_in_threadpool(_build, svc), time.monotonic())
    elif time.monotonic() - cached.built > TTL and state.refresh is None:
        state.refresh = asyncio.ensure_future(_refresh(state, svc))
    return Response(cached.body, media_type="application/json")


async def _refresh(state: _Health, svc: Services) -> None:
    try:
        state.cached = _Cached(await run_in_threadpool(_build, svc), time.monotonic())
    except Exception:
        log.warning("building /health failed: the next call builds it again", exc_info=True)
        state.cached = None
    finally:
        state.refresh = None
