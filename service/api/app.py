"""The HTTP API. ``create_app(settings)`` builds it; nothing happens at import time."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import partial
from importlib.metadata import version
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from aligner.sentences import split as split_sentences
from glossary.tsv import shipped
from service.align.alignment import align_sentences
from service.align.ingest import decode_page, ingest_text
from service.api.access import RateLimitedError, guard
from service.api.bodylimit import BodyLimitMiddleware
from service.api.limits import RateLimiter
from service.api.routes.export import router as export_router
from service.api.routes.glossaries import router as glossary_router
from service.api.routes.translate import router as translation_router
from service.api.schemas import (
    AlignIn,
    AlignmentsOut,
    AlignOut,
    BeadOut,
    DocumentIn,
    DocumentListOut,
    DocumentOut,
    DocumentTranslationsOut,
    ErrorOut,
    HealthOut,
    IdPath,
    OffsetQuery,
    SegmentTranslationOut,
    TranslationHealth,
    document_out,
    pair_out,
    segment_translation_out,
    summary_out,
)
from service.errors import BadInputError, ServiceError, TooLargeError, UnsupportedMediaError
from service.mt.engine import ArgosEngine
from service.mt.translations import TranslationStore, translate_document
from service.settings import Settings
from service.store.db import make_engine, migrate
from service.store.documents import DocumentStore
from service.store.glossaries import GlossaryStore
from service.store.keys import KeyStore
from service.textcheck import text_problem

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Services:
    """What the lifespan builds and the dependencies hand out."""

    settings: Settings
    db: Engine
    documents: DocumentStore
    translator: ArgosEngine
    translations: TranslationStore
    glossaries: GlossaryStore
    keys: KeyStore
    limiter: RateLimiter


def build_services(settings: Settings) -> Services:
    """Create the data folder, open and migrate the database."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.resolved_database_url())
    migrate(engine)
    glossaries = GlossaryStore(engine)
    glossaries.ensure(shipped(), note="shipped with Triglot")
    translator = ArgosEngine(
        settings.resolved_packages_dir(),
        settings.data_dir / "argos",
        compute_type=settings.compute_type,
        inter_threads=settings.inter_threads,
        intra_threads=settings.intra_threads,
    )
    return Services(
        settings=settings,
        db=engine,
        documents=DocumentStore(engine),
        translator=translator,
        translations=TranslationStore(engine),
        glossaries=glossaries,
        keys=KeyStore(engine),
        limiter=RateLimiter(),
    )


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]

_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "Bad request (e.g. body not UTF-8)"},
    413: {"model": ErrorOut, "description": "Over a size limit"},
    415: {"model": ErrorOut, "description": "Unsupported content type"},
    422: {"model": ErrorOut, "description": "Invalid input"},
}
_ACCESS_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "Malformed body (bad Content-Length, multipart)"},
    401: {"model": ErrorOut, "description": "An API key is needed (see service.api.access)"},
    403: {"model": ErrorOut, "description": "Unknown or revoked API key"},
    413: {"model": ErrorOut, "description": "Request body over the size limit"},
    429: {
        "model": ErrorOut,
        "description": "Over the rate limit",
        "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds"}},
    },
}


def create_app(settings: Settings, *, services: Services | None = None) -> FastAPI:
    """The Triglot app. ``services`` may be given already built (tests, ``triglot serve``)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        built = services or build_services(settings)
        app.state.services = built
        log.info("triglot ready: %s", built.db.url.render_as_string(hide_password=True))
        try:
            yield
        finally:
            if services is None:
                built.db.dispose()

    app = FastAPI(
        title="Triglot",
        version=version("triglot"),
        description="French/Vietnamese/English page analysis, alignment and translation.",
        lifespan=lifespan,
        dependencies=[Depends(guard)],
        responses=_ACCESS_ERRORS,
    )
    _install_error_handlers(app)
    app.add_middleware(
        BodyLimitMiddleware,
        default=settings.max_body_bytes,
        limits=(
            # JSON escapes may double a page's bytes; /align carries two documents
            ("/documents", settings.max_page_bytes * 2 + 4096, "TRIGLOT_MAX_PAGE_BYTES"),
            ("/align", settings.max_document_bytes * 4 + 4096, "TRIGLOT_MAX_DOCUMENT_BYTES"),
            ("/glossaries", settings.max_glossary_bytes, "TRIGLOT_MAX_GLOSSARY_BYTES"),
        ),
    )

    app.include_router(translation_router)
    app.include_router(glossary_router)
    app.include_router(export_router)

    @app.get("/health", response_model=HealthOut, tags=["service"])
    def health(svc: ServicesDep) -> HealthOut:
        packages = svc.translator.packages()
        if packages:
            note = f"{len(packages)} translation package(s) installed"
        else:
            note = (
                "no translation packages installed: /translate answers 400 until one is "
                "(`triglot models install FILE.argosmodel`)"
            )
        return HealthOut(
            status="ok",
            version=version("triglot"),
            database=svc.db.dialect.name,
            documents=svc.documents.count(),
            translation=TranslationHealth(
                packages=[p.label for p in packages],
                pairs=sorted(f"{a}->{b}" for a, b in svc.translator.pairs()),
                message=note,
            ),
        )

    @app.post(
        "/documents",
        status_code=201,
        response_model=DocumentOut,
        tags=["documents"],
        responses={
            200: {"model": DocumentOut, "description": "Same text stored already"},
            **_ERRORS,
        },
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": DocumentIn.model_json_schema()},
                    "text/plain": {"schema": {"type": "string"}},
                },
            }
        },
    )
    async def post_document(
        request: Request,
        response: Response,
        svc: ServicesDep,
        url: Annotated[str | None, Query(description="Source URL (text/plain bodies)")] = None,
        name: Annotated[str | None, Query(max_length=500)] = None,
    ) -> DocumentOut:
        """Analyse a page and store it. Body: JSON ``{"text", "url", "name"}`` or the raw
        page as ``text/plain; charset=utf-8``. The same text posted twice is stored once
        (200 the second time)."""
        limit = svc.settings.max_page_bytes
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit * 2 + 4096:
            raise TooLargeError(
                f"body: {declared} bytes is over the page size limit of {limit} bytes"
            )
        body = await request.body()
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media == "application/json":
            try:
                doc_in = DocumentIn.model_validate_json(body)
            except ValidationError as exc:
                raise BadInputError(_validation_message(exc.errors())) from None
            size = len(doc_in.text.encode("utf-8", "surrogatepass"))
            if size > limit:
                raise TooLargeError(
                    f"text: {size} bytes is over the page size limit of {limit} bytes"
                )
            if not doc_in.text.strip():
                raise BadInputError("text: the page is empty")
            text, url, name = doc_in.text, doc_in.url or url, doc_in.name or name
        elif media in ("text/plain", ""):
            text = decode_page(body, name="body", max_bytes=limit)
        else:
            raise UnsupportedMediaError(
                f"content type {media!r} is not read here: send application/json or text/plain"
            )
        doc, created = ingest_text(svc.documents, text, name=name, url=url)
        response.status_code = 201 if created else 200
        return document_out(doc, created=created)

    @app.get("/documents", response_model=DocumentListOut, tags=["documents"])
    def list_documents(
        svc: ServicesDep,
        offset: OffsetQuery = 0,
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
    ) -> DocumentListOut:
        items, total = svc.documents.list(offset=offset, limit=limit)
        return DocumentListOut(
            items=[summary_out(i) for i in items], total=total, offset=offset, limit=limit
        )

    @app.get(
        "/documents/{doc_id}",
        response_model=DocumentOut,
        tags=["documents"],
        responses={404: {"model": ErrorOut, "description": "No such document"}},
    )
    def get_document(doc_id: IdPath, svc: ServicesDep) -> DocumentOut:
        return document_out(svc.documents.get(doc_id))

    @app.get(
        "/documents/{doc_id}/alignments",
        response_model=AlignmentsOut,
        tags=["alignment"],
        responses={404: {"model": ErrorOut, "description": "No such document"}},
    )
    def get_alignments(doc_id: IdPath, svc: ServicesDep) -> AlignmentsOut:
        """The Vietnamese-French pairs found on a document, with scores and evidence."""
        doc = svc.documents.get(doc_id)
        return AlignmentsOut(document_id=doc.id, pairs=[pair_out(p) for p in doc.pairs])

    @app.post(
        "/documents/{doc_id}/translations",
        status_code=201,
        response_model=DocumentTranslationsOut,
        tags=["translation"],
        responses={**_ERRORS, 404: {"model": ErrorOut, "description": "No such document"}},
    )
    async def post_translations(
        doc_id: IdPath,
        svc: ServicesDep,
        target: Annotated[str, Query(description="Target language")] = "en",
        glossary: Annotated[
            str | None, Query(description="Glossary whose current version is enforced")
        ] = None,
    ) -> DocumentTranslationsOut:
        """Translate every French and Vietnamese segment of a document and store the
        results with their provenance (replacing earlier ones for that language)."""
        chosen = None
        if glossary:
            number, content = svc.glossaries.current(glossary)
            chosen = (content, number)
        items = await run_in_threadpool(
            partial(
                translate_document,
                svc.documents,
                svc.translations,
                svc.translator,
                doc_id,
                tgt_lang=target,
                glossary=chosen,
            )
        )
        return DocumentTranslationsOut(
            document_id=doc_id,
            target=target,
            translations=[segment_translation_out(t) for t in items],
        )

    @app.get(
        "/documents/{doc_id}/translations",
        response_model=DocumentTranslationsOut,
        tags=["translation"],
        responses={404: {"model": ErrorOut, "description": "No such document"}},
    )
    def get_translations(
        doc_id: IdPath, svc: ServicesDep, target: Annotated[str, Query()] = "en"
    ) -> DocumentTranslationsOut:
        doc = svc.documents.get(doc_id)
        rows = svc.translations.get(doc_id, target)
        return DocumentTranslationsOut(
            document_id=doc_id,
            target=target,
            translations=[
                SegmentTranslationOut(
                    segment_idx=i,
                    src_lang=row.src_lang,
                    source=doc.page.segments[i].text,
                    text=row.text,
                    engine=row.engine,
                    packages=list(row.packages),
                    pivot=row.pivot,
                    glossary_version=row.glossary_version,
                )
                for i, row in sorted(rows.items())
            ],
        )

    @app.post("/align", response_model=AlignOut, tags=["alignment"], responses=_ERRORS)
    def post_align(body: AlignIn, svc: ServicesDep) -> AlignOut:
        """Align two documents sentence by sentence. Lists are taken as sentences; a text is
        split into sentences line by line. Every sentence of both sides is in exactly one bead,
        in order; `[5]:[]`-style beads are unmatched sentences."""
        limit = svc.settings.max_document_bytes
        src, tgt = _sentences(body.src, "src", limit), _sentences(body.tgt, "tgt", limit)
        beads = align_sentences(
            src,
            tgt,
            src_lang=body.src_lang,
            tgt_lang=body.tgt_lang,
            max_size=body.max_size,
            check_langs=body.check_langs,
        )
        return AlignOut(
            beads=[
                BeadOut(
                    src_idx=list(b.src_idx),
                    tgt_idx=list(b.tgt_idx),
                    score=b.score,
                    src=" ".join(src[i] for i in b.src_idx),
                    tgt=" ".join(tgt[j] for j in b.tgt_idx),
                )
                for b in beads
            ],
            src_sentences=src,
            tgt_sentences=tgt,
        )

    return app


def _sentences(value: str | list[str], field: str, limit: int) -> list[str]:
    items = [value] if isinstance(value, str) else value
    for i, item in enumerate(items):
        problem = text_problem(item, field if isinstance(value, str) else f"{field}[{i}]")
        if problem:
            raise BadInputError(problem)
    size = sum(len(s.encode("utf-8")) for s in items)
    if size > limit:
        raise TooLargeError(
            f"{field}: {size} bytes is over the document size limit of {limit} "
            "bytes (setting TRIGLOT_MAX_DOCUMENT_BYTES)"
        )
    if isinstance(value, list):
        return value
    return [s for line in value.splitlines() for s in split_sentences(line)]


def _validation_message(errors: Any) -> str:
    parts = []
    for err in errors:
        loc = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or "body"
        parts.append(f"{loc}: {err.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


_HTTP_CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 413: "too_large"}


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ServiceError)
    async def _service_error(_request: Request, exc: ServiceError) -> JSONResponse:
        headers = {}
        if isinstance(exc, RateLimitedError):
            headers["Retry-After"] = str(exc.retry_after)
            headers["X-RateLimit-Limit"] = str(exc.limit)
            headers["X-RateLimit-Remaining"] = "0"
        elif exc.status == 401:
            headers["WWW-Authenticate"] = "Bearer"
        return JSONResponse(
            {"error": str(exc), "code": exc.code}, status_code=exc.status, headers=headers
        )

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(
            {"error": _validation_message(exc.errors()), "code": "bad_input"}, status_code=422
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        return JSONResponse(
            {"error": str(exc.detail), "code": code},
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )
