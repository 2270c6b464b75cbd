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
    state = request.app.state
    state.health = None
    state.health_epoch = getattr(state, "health_epoch", 0) + 1  # a build in flight is stale


@router.get("/health", response_model=HealthOut)
async def health(request: Request, svc: ServicesDep) -> Response:
    state = request.app.state
    cached: _Cached | None = getattr(state, "health", None)
    if cached is None:
        cached = _Cached(await run_in_threadpool(_build, svc), time.monotonic())
        state.health = cached
    elif time.monotonic() - cached.built > TTL and getattr(state, "health_refresh", None) is None:
        state.health_refresh = asyncio.ensure_future(_refresh(state, svc))
    return Response(cached.body, media_type="application/json")


async def _refresh(state: Any, svc: Services) -> None:
    epoch = getattr(state, "health_epoch", 0)
    try:
        fresh = _Cached(await run_in_threadpool(_build, svc), time.monotonic())
        if getattr(state, "health_epoch", 0) == epoch:  # not invalidated meanwhile
            state.health = fresh
    except Exception:
        log.warning("building /health failed: the next call builds it again", exc_info=True)
        state.health = None
    finally:
        state.health_refresh = None
