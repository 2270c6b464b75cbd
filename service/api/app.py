"""The HTTP API. ``create_app(settings)`` builds it; nothing happens at import time.

The app only wires things together: the lifespan builds the services (``deps.py``), the
middleware bounds request bodies, the access guard runs on every route, and each resource's
routes come from its own module in ``routes/`` (the pages for people from ``service.web``).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import version

from fastapi import Depends, FastAPI
from starlette.middleware.cors import CORSMiddleware

from service.api.access import ACCESS_ERRORS, guard
from service.api.bodylimit import BodyLimitMiddleware
from service.api.deps import Services, build_services
from service.api.handlers import install_error_handlers
from service.api.jobs import start_jobs
from service.api.routes import (
    align,
    documents,
    export,
    glossaries,
    health,
    jobs,
    libretranslate,
    translate,
)
from service.settings import Settings
from service.web import pages

log = logging.getLogger(__name__)

__all__ = ["Services", "build_services", "create_app"]


def create_app(settings: Settings, *, services: Services | None = None) -> FastAPI:
    """The Triglot app. ``services`` may be given already built (tests, ``triglot serve``)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        built = services or build_services(settings)
        app.state.services = built
        app.state.jobs_worker = start_jobs(built)
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
        dependencies=[Depends(guard)],
        responses=ACCESS_ERRORS,
        docs_url=None,  # /docs and /redoc come from service.web, with local assets
        redoc_url=None,
    )
    install_error_handlers(app)
    app.add_middleware(
        BodyLimitMiddleware,
        default=settings.max_body_bytes,
        limits=(
            # JSON escapes may double a page's bytes; /align carries two documents
            ("/documents", settings.max_page_bytes * 2 + 4096, "TRIGLOT_MAX_PAGE_BYTES"),
            ("/align", settings.max_document_bytes * 4 + 4096, "TRIGLOT_MAX_DOCUMENT_BYTES"),
            ("/glossaries", settings.max_glossary_bytes, "TRIGLOT_MAX_GLOSSARY_BYTES"),
            ("/ui/documents", settings.max_page_bytes * 2 + 4096, "TRIGLOT_MAX_PAGE_BYTES"),
            ("/ui/glossaries", settings.max_glossary_bytes, "TRIGLOT_MAX_GLOSSARY_BYTES"),
            # the file and a few form fields
            ("/translate_file", settings.max_file_bytes + 65_536, "TRIGLOT_MAX_FILE_BYTES"),
        ),
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
        export,
        health,
        documents,
        align,
        pages,
    ):
        app.include_router(module.router)
    pages.mount_static(app)
    return app
