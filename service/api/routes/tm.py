"""The translation memory: ``POST /tm/import`` (a TMX file as the body) and
``GET /tm/lookup`` (what the memory answers for a text, without the engine)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel

from service.api.deps import AlignmentsDep, MemoryDep, SettingsDep
from service.api.schemas import INPUT_ERRORS
from service.errors import BadInputError, TooLargeError
from service.textcheck import text_problem
from service.tm.tmx_import import import_tmx

router = APIRouter(tags=["translation memory"])
_LANG = "^(?:fr|vi|en)$"


class TmImportOut(BaseModel):
    alignment_id: int
    created: bool
    units: int
    skipped: int
    src_lang: str
    tgt_lang: str


class TmLookupOut(BaseModel):
    q: str
    translatedText: str | None  # noqa: N815 (LibreTranslate's name)
    origin: str | None
    score: float | None
    source: str | None
    found_in: str | None = None


@router.post(
    "/tm/import",
    status_code=201,
    response_model=TmImportOut,
    responses={
        **INPUT_ERRORS,
        200: {"model": TmImportOut, "description": "The same file was imported before"},
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/x-tmx+xml": {"schema": {"type": "string"}}},
        }
    },
)
async def post_tm_import(
    request: Request,
    response: Response,
    *,
    settings: SettingsDep,
    alignments: AlignmentsDep,
    name: Annotated[str, Query(min_length=1, max_length=500)] = "upload.tmx",
) -> TmImportOut:
    """Import a TMX file (the request body) into the aligned corpus that the translation
    memory and TMX exports read; the same file twice is imported once (200)."""
    problem = text_problem(name, "name")
    if problem:
        raise BadInputError(problem)
    body = await request.body()
    if len(body) > settings.max_tmx_bytes:
        raise TooLargeError(
            f"body: {len(body)} bytes is over the TMX size limit of {settings.max_tmx_bytes} "
            "bytes (setting TRIGLOT_MAX_TMX_BYTES)"
        )
    if not body:
        raise BadInputError("body: empty; send a TMX file")
    done = await run_in_threadpool(import_tmx, alignments, body, name=name)
    request.app.state.services.memory.invalidate()
    response.status_code = 201 if done.created else 200
    return TmImportOut(
        alignment_id=done.alignment.id,
        created=done.created,
        units=done.alignment.n_units,
        skipped=done.skipped,
        src_lang=done.alignment.src_lang,
        tgt_lang=done.alignment.tgt_lang,
    )


@router.get("/tm/lookup", response_model=TmLookupOut, responses=INPUT_ERRORS)
async def get_tm_lookup(
    *,
    memory: MemoryDep,
    q: Annotated[str, Query(min_length=1, max_length=5000)],
    source: Annotated[str, Query(pattern=_LANG)],
    target: Annotated[str, Query(pattern=_LANG)],
    threshold: Annotated[float | None, Query(ge=0.5, le=1.0)] = None,
) -> dict[str, Any]:
    """The memory's answer for `q`: its exact match, else its best fuzzy match at the
    threshold (default: the setting) or above; `translatedText` null when none."""
    problem = text_problem(q, "q")
    if problem:
        raise BadInputError(problem)
    index = await run_in_threadpool(memory.index, source, target)
    match = index.lookup(q, threshold if threshold is not None else memory.threshold)
    if match is None:
        return {"q": q, "translatedText": None, "origin": None, "score": None, "source": None}
    return {
        "q": q,
        "translatedText": match.entry.target,
        "origin": "tm-exact" if match.exact else "tm-fuzzy",
        "score": match.similarity,
        "source": match.entry.source,
        "found_in": match.entry.origin,
    }
