"""Documents: pages posted, analysed and stored; their alignments and their translations."""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from service.align.files import decode_page
from service.align.ingest import ingest_html, ingest_text, ingest_url
from service.align.links import link_document
from service.align.shapes import pair_out
from service.api.deps import (
    DocumentsDep,
    EngineDep,
    GlossariesDep,
    MemoryDep,
    SettingsDep,
    TranslationsDep,
)
from service.api.handlers import validation_message
from service.api.jsonbody import cached_json, parse_json
from service.api.routes import health
from service.api.schemas import (
    INPUT_ERRORS,
    AlignmentsOut,
    DocumentIn,
    DocumentListOut,
    DocumentOut,
    DocumentTranslationsOut,
    ErrorOut,
    IdPath,
    OffsetQuery,
    SegmentTranslationOut,
    document_out,
    segment_translation_out,
    summary_out,
)
from service.errors import BadInputError, TooLargeError, UnsupportedMediaError
from service.fetch.web import fetcher_for
from service.mt.languages import resolve_tag
from service.mt.translations import stored_glossary, translate_document
from service.store.documents import StoredDocument

router = APIRouter()
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorOut, "description": "No such document"}
}


@router.post(
    "/documents",
    status_code=201,
    response_model=DocumentOut,
    tags=["documents"],
    responses={
        200: {"model": DocumentOut, "description": "Same text stored already"},
        **INPUT_ERRORS,
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": DocumentIn.model_json_schema()},
                # any body with a non-space character is a page (``false`` is the word)
                "text/plain": {"schema": {"pattern": r"\S", "description": "The page text"}},
                "text/html": {"schema": {"type": "string", "description": "An HTML page"}},
            },
        }
    },
)
async def post_document(
    request: Request,
    response: Response,
    *,
    settings: SettingsDep,
    documents: DocumentsDep,
    url: Annotated[str | None, Query(description="Source URL (text/plain bodies)")] = None,
    name: Annotated[str | None, Query(max_length=500)] = None,
) -> DocumentOut:
    """Analyse a page and store it. Body: JSON ``{"text", "url", "name"}``, the raw page as
    ``text/plain; charset=utf-8`` or ``text/html`` (text and metadata extracted, the HTML
    kept), or JSON ``{"url", "follow_source"}`` without text: the page is fetched, and for a
    French page the Vietnamese original its ``Source:`` line names too (pairs across the two
    pages in ``cross_pairs``). The same text posted twice is stored once (200 the second
    time)."""
    body = await _body(request, max(settings.max_page_bytes, settings.max_html_bytes))
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media in ("text/html", "application/xhtml+xml"):
        charset = _charset(request.headers.get("content-type", ""))
        doc, created = await run_in_threadpool(
            partial(
                ingest_html,
                documents,
                body,
                name=name,
                url=url,
                declared_charset=charset,
                max_bytes=settings.max_html_bytes,
            )
        )
    elif media == "application/json":
        doc_in = _document_in(request, body, settings.max_page_bytes)
        if doc_in.text is None:
            assert doc_in.url is not None  # checked by _document_in
            fetched = await run_in_threadpool(
                partial(
                    ingest_url,
                    documents,
                    fetcher_for(settings),
                    doc_in.url,
                    follow_source=doc_in.follow_source,
                    name=doc_in.name or name,
                    max_bytes=settings.max_html_bytes,
                )
            )
            response.status_code = 201 if fetched.created else 200
            out = document_out(fetched.document, created=fetched.created)
            out.original_id = fetched.original.id if fetched.original else None
            out.cross_pairs = [pair_out(p) for p in fetched.cross_pairs]
            out.warnings = list(fetched.warnings)
            await _after_store(request, fetched.document, fetched.original)
            return out
        doc, created = ingest_text(
            documents, doc_in.text, name=doc_in.name or name, url=doc_in.url or url
        )
    elif media in ("text/plain", ""):
        text = decode_page(body, name="body", max_bytes=settings.max_page_bytes)
        doc, created = ingest_text(documents, text, name=name, url=url)
    else:
        raise UnsupportedMediaError(
            f"content type {media!r} is not read here: send application/json, text/plain "
            "or text/html"
        )
    if created:
        await _after_store(request, doc)
    response.status_code = 201 if created else 200
    return document_out(doc, created=created)


async def _after_store(request: Request, *docs: StoredDocument | None) -> None:
    """Documents were stored: link them by URL (a write, so reads never link), then tell the
    translation memory and ``/health``, each by its own trigger."""
    svc = request.app.state.services
    for doc in docs:
        if doc is not None:
            await run_in_threadpool(link_document, svc.documents, svc.alignments, doc)
    svc.memory.invalidate()
    health.invalidate(request)


async def _body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit * 2 + 4096:
        raise TooLargeError(f"body: {declared} bytes is over the page size limit of {limit} bytes")
    return await request.body()


def _charset(content_type: str) -> str | None:
    for param in content_type.split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip('"')
    return None


def _document_in(request: Request, body: bytes, limit: int) -> DocumentIn:
    """A JSON body: text within the page size limit, or a URL to fetch."""
    parsed, value = cached_json(request.scope)  # parsed by the edge middleware
    try:
        doc_in = DocumentIn.model_validate(value if parsed else parse_json(body))
    except ValidationError as exc:
        raise BadInputError(validation_message(exc.errors())) from None
    if doc_in.text is None:
        if not doc_in.url:
            raise BadInputError("text: give the page text, or a url to fetch")
        return doc_in
    size = len(doc_in.text.encode("utf-8", "surrogatepass"))
    if size > limit:
        raise TooLargeError(f"text: {size} bytes is over the page size limit of {limit} bytes")
    if not doc_in.text.strip():
        raise BadInputError("text: the page is empty")
    return doc_in


@router.get("/documents", response_model=DocumentListOut, tags=["documents"])
def list_documents(
    documents: DocumentsDep,
    offset: OffsetQuery = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> DocumentListOut:
    items, total = documents.list(offset=offset, limit=limit)
    return DocumentListOut(
        items=[summary_out(i) for i in items], total=total, offset=offset, limit=limit
    )


@router.get(
    "/documents/{doc_id}", response_model=DocumentOut, tags=["documents"], responses=_NOT_FOUND
)
def get_document(doc_id: IdPath, documents: DocumentsDep) -> DocumentOut:
    return document_out(documents.get(doc_id))


@router.get(
    "/documents/{doc_id}/alignments",
    response_model=AlignmentsOut,
    tags=["alignment"],
    responses=_NOT_FOUND,
)
def get_alignments(doc_id: IdPath, documents: DocumentsDep) -> AlignmentsOut:
    """The Vietnamese-French pairs found on a document, with scores and evidence."""
    doc = documents.get(doc_id)
    return AlignmentsOut(document_id=doc.id, pairs=[pair_out(p) for p in doc.pairs])


@router.post(
    "/documents/{doc_id}/translations",
    status_code=201,
    response_model=DocumentTranslationsOut,
    tags=["translation"],
    responses={**INPUT_ERRORS, **_NOT_FOUND},
)
async def post_translations(
    doc_id: IdPath,
    *,
    documents: DocumentsDep,
    translations: TranslationsDep,
    engine: EngineDep,
    glossaries: GlossariesDep,
    memory: MemoryDep,
    settings: SettingsDep,
    target: Annotated[str, Query(description="Target language")] = "en",
    glossary: Annotated[
        str | None,
        Query(
            description="Glossary whose current version is enforced (default: "
            "TRIGLOT_STORED_GLOSSARY; none: no glossary)"
        ),
    ] = None,
) -> DocumentTranslationsOut:
    """Translate every French and Vietnamese segment of a document and store the
    results with their provenance (replacing earlier ones for that language)."""
    target = resolve_tag(target, engine.languages(), role="target")
    chosen = await run_in_threadpool(
        stored_glossary, glossaries, glossary, settings.stored_glossary
    )
    items = await run_in_threadpool(
        partial(
            translate_document,
            documents,
            translations,
            engine,
            doc_id,
            tgt_lang=target,
            glossary=chosen,
            memory=memory,
        )
    )
    return DocumentTranslationsOut(
        document_id=doc_id,
        target=target,
        translations=[segment_translation_out(t) for t in items],
    )


@router.get(
    "/documents/{doc_id}/translations",
    response_model=DocumentTranslationsOut,
    tags=["translation"],
    responses=_NOT_FOUND,
)
def get_translations(
    doc_id: IdPath,
    documents: DocumentsDep,
    translations: TranslationsDep,
    engine: EngineDep,
    target: Annotated[str, Query()] = "en",
) -> DocumentTranslationsOut:
    target = resolve_tag(target, engine.languages() | {"fr", "vi", "en"}, role="target")
    doc = documents.get(doc_id)
    rows = translations.get(doc_id, target)
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
                stale=row.stale,
            )
            for i, row in sorted(rows.items())
        ],
    )
