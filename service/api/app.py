"""The HTTP API. ``create_app(settings)`` builds it; nothing happens at import time.

The app only wires things together: the lifespan builds the services (``deps.py``), the edge
middleware (``edge.py``) checks every request (sizes, text, access, JSON), and each resource's
routes come from its own module in ``routes/`` (the pages for people from ``service.web``).
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import version
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from starlette.concurrency import run_in_threadpool
from starlette.middleware.cors import CORSMiddleware

from service.align.links import link_stored_pages
from service.api.access import ACCESS_ERRORS, SECURITY_SCHEMES
from service.api.deps import Services, build_services
from service.api.direct import direct_app
from service.api.edge import EdgeMiddleware
from service.api.handlers import install_error_handlers
from service.api.jobs import start_jobs
from service.api.routes import (
    align,
    alignments,
    corpus,
    documents,
    export,
    glossaries,
    health,
    jobs,
    libretranslate,
    models,
    tm,
    translate,
)
from service.mt.languages import normalize_tag
from service.settings import Settings
from service.web import pages

log = logging.getLogger(__name__)

__all__ = ["Services", "build_services", "create_app"]


def warm_up(services: Services) -> None:
    """What the first request would otherwise wait for: each serving package's model (loaded
    and one short decode; 0.2-1 s for a model of real size) and the language-tag tables
    (``langcodes``, read when a request names a language the packages do not spell the same
    way). In a thread of its own: the server answers meanwhile."""
    began = time.monotonic()
    try:
        normalize_tag("fr-FR")
        warmed = services.translator.warm()
    except Exception:  # a warm-up never stops the server: requests report their own errors
        log.exception("warm-up failed")
        return
    log.info("warmed %d package(s) in %.2f s", len(warmed), time.monotonic() - began)


def create_app(
    settings: Settings, *, services: Services | None = None, serving: bool = False
) -> FastAPI:
    """The Triglot app. ``services`` may be given already built (tests, ``triglot serve``).
    ``serving`` (the server processes): once started, what is built is moved out of the
    garbage collector's sight (``gc.freeze``), and the installed models are loaded and the
    language-tag tables read in the background (:func:`warm_up`), so that the first request
    does not wait for them."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        built = services or build_services(settings)
        app.state.services = built
        # pages stored before linking was done on write (or by an older version): link now
        await run_in_threadpool(link_stored_pages, built.documents, built.alignments)
        app.state.jobs_worker = start_jobs(built)
        if serving:
            # Models, tables, routes and stores live as long as the process; left in the
            # collector's sight, every full collection walked them all: pauses of 100-270 ms
            # under load that set the p99 (docs/translate-speed.md).
            gc.collect()
            gc.freeze()
            warm = threading.Thread(target=warm_up, args=(built,), name="triglot-warm", daemon=True)
            warm.start()
        log.info("triglot ready: %s", built.db.url.render_as_string(hide_password=True))
        try:
            yield
        finally:
            app.state.jobs_worker.stop()
            if services is None:
                built.db.dispose()

    app = FastAPI(
        title="Triglot",
        version=version("triglot"),
        description="French/Vietnamese/English page analysis, alignment and translation.",
        lifespan=lifespan,
        responses=ACCESS_ERRORS,
        docs_url=None,  # /docs and /redoc come from service.web, with local assets
        redoc_url=None,
    )
    install_error_handlers(app)
    app.add_middleware(
        EdgeMiddleware,
        default=settings.max_body_bytes,
        limits=(
            # JSON escapes may double a page's bytes; /align carries two documents
            ("/documents", settings.max_page_bytes * 2 + 4096, "TRIGLOT_MAX_PAGE_BYTES"),
            ("/align", settings.max_document_bytes * 4 + 4096, "TRIGLOT_MAX_DOCUMENT_BYTES"),
            ("/corpus/ingest", settings.max_archive_bytes, "TRIGLOT_MAX_ARCHIVE_BYTES"),
            ("/glossaries", settings.max_glossary_bytes, "TRIGLOT_MAX_GLOSSARY_BYTES"),
            (
                "/ui/documents",
                max(settings.max_page_bytes * 2, settings.max_html_bytes) + 65_536,
                "TRIGLOT_MAX_PAGE_BYTES",
            ),
            ("/ui/glossaries", settings.max_glossary_bytes, "TRIGLOT_MAX_GLOSSARY_BYTES"),
            # the file and a few form fields
            ("/models", settings.max_package_bytes, "TRIGLOT_MAX_PACKAGE_BYTES"),
            ("/translate_file", settings.max_file_bytes + 65_536, "TRIGLOT_MAX_FILE_BYTES"),
            ("/tm/import", settings.max_tmx_bytes, "TRIGLOT_MAX_TMX_BYTES"),
        ),
        # the hot path, served without the router and dependency solving (service.api.direct)
        direct={("POST", "/translate"): direct_app(translate.translate)},
    )
    origins = settings.cors_origin_list()
    if origins:  # added last: outermost, so that refusals (413, 429...) carry CORS headers too
        app.add_middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type", "X-API-Key", "If-Match"],
            expose_headers=["ETag", "Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining"],
            max_age=600,
        )
    for module in (
        translate,
        libretranslate,
        glossaries,
        jobs,
        corpus,
        export,
        health,
        documents,
        align,
        alignments,
        tm,
        models,
        pages,
    ):
        app.include_router(module.router)
    pages.mount_static(app)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _document(
                get_openapi(
                    title=app.title,
                    version=app.version,
                    description=app.description,
                    routes=app.routes,
                )
            )
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def _document(schema: dict[str, Any]) -> dict[str, Any]:
    """What the routes' declarations cannot say: how keys are sent (checked by the edge
    middleware, not by a dependency) and that ``If-Match`` is required (a missing one is
    answered 412, as a stale one)."""
    schema.setdefault("components", {})["securitySchemes"] = SECURITY_SCHEMES
    for item in schema["paths"].values():
        for operation in item.values():
            operation["security"] = [{"HTTPBearer": []}, {"APIKeyHeader": []}]
            for param in operation.get("parameters", ()):
                if param.get("in") == "header" and param.get("name", "").lower() == "if-match":
                    param["required"] = True
                    param["schema"] = {"type": "string", "examples": ['"v1"']}
                    operation["responses"]["428"] = {
                        "description": "If-Match missing",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/ErrorOut"}
                            }
                        },
                    }
    return schema
