"""LibreTranslate's other routes, so that its clients and front ends work unchanged:
``GET /frontend/settings``, ``POST /translate_file`` with ``GET /download_file/{name}``,
``POST /suggest`` (stored for review: ``GET /suggestions``, then proposed to a glossary or
dismissed), and ``GET /spec`` (the OpenAPI document).

Errors are ``{"error": ...}`` (plus Triglot's ``code``) with LibreTranslate's statuses where it
has one: 400 for a bad request, 403 for a feature this server has switched off.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from anyio import to_thread
from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel, Field

from glossary.enforcement import Enforced
from service.api.deps import EngineDep, GlossariesDep, GuardDep, ServicesDep, SettingsDep
from service.api.glossary_choice import glossary_for
from service.api.params import TranslateRequestError, request_params
from service.api.routes.translate import installed_language, unsupported_language
from service.api.schemas import ErrorOut, IdPath, OffsetQuery
from service.errors import ServiceError
from service.files.formats import MEDIA_TYPES, SUPPORTED, check_file, file_format
from service.files.store import download_name
from service.files.translation import FileTranslated, translate_upload
from service.mt.engine import LANGUAGE_NAMES
from service.store.suggestions import Suggestion
from service.textcheck import text_problem

router = APIRouter(tags=["libretranslate"])

_LANG_CODE = re.compile(r"^[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$", re.IGNORECASE)
MAX_SUGGESTION_CHARS = 10_000
"""Longest ``q`` or ``s`` accepted by /suggest."""


class DisabledError(ServiceError):
    """A LibreTranslate feature this server has switched off (LibreTranslate's 403)."""

    status = 403
    code = "disabled"


class DownloadDisabledError(TranslateRequestError):
    """LibreTranslate answers a download with 400 when file translation is off."""


_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "Missing or invalid parameter, unsupported file"},
    403: {"model": ErrorOut, "description": "The feature is switched off on this server"},
}
_SUGGEST_ERRORS: dict[int | str, dict[str, Any]] = {
    **_ERRORS,
    503: {"model": ErrorOut, "description": "Too many suggestions wait for review"},
}
_DECIDE_ERRORS: dict[int | str, dict[str, Any]] = {
    **_ERRORS,
    404: {"model": ErrorOut, "description": "No such suggestion or glossary"},
    409: {"model": ErrorOut, "description": "The suggestion is decided already"},
    412: {"model": ErrorOut, "description": "The glossary changed meanwhile: try again"},
}


# --- /frontend/settings ---------------------------------------------------------------------


class LanguageRef(BaseModel):
    code: str
    name: str


class FrontendLanguages(BaseModel):
    source: LanguageRef
    target: LanguageRef


class FrontendSettingsOut(BaseModel):
    charLimit: int = Field(description="Most characters per /translate request (-1: none)")  # noqa: N815
    frontendTimeout: int = Field(description="Milliseconds to wait after typing")  # noqa: N815
    apiKeys: bool = Field(description="Whether API keys are in use")  # noqa: N815
    keyRequired: bool = Field(description="Whether /translate needs an API key")  # noqa: N815
    suggestions: bool = Field(description="Whether /suggest accepts suggestions")
    filesTranslation: bool = Field(description="Whether /translate_file is offered")  # noqa: N815
    supportedFilesFormat: list[str] = Field(description="File extensions /translate_file reads")  # noqa: N815
    language: FrontendLanguages
    fileSizeLimit: int = Field(description="Largest file, in bytes (Triglot)")  # noqa: N815
    fileCharLimit: int = Field(description="Most characters in one file (Triglot)")  # noqa: N815


def _language(code: str) -> LanguageRef:
    if code == "auto":
        return LanguageRef(code="auto", name="Auto Detect")
    return LanguageRef(code=code, name=LANGUAGE_NAMES.get(code, code))


@router.get("/frontend/settings", response_model=FrontendSettingsOut)
def frontend_settings(settings: SettingsDep) -> FrontendSettingsOut:
    """The settings a LibreTranslate front end reads at start-up, from this server's own."""
    files = settings.files_translation
    return FrontendSettingsOut(
        charLimit=settings.translate_max_chars or -1,
        frontendTimeout=settings.frontend_timeout,
        apiKeys=settings.api_keys,
        keyRequired=settings.translate_requires_key,
        suggestions=settings.suggestions,
        filesTranslation=files,
        supportedFilesFormat=list(SUPPORTED) if files else [],
        language=FrontendLanguages(
            source=_language(settings.frontend_language_source),
            target=_language(settings.frontend_language_target),
        ),
        fileSizeLimit=settings.max_file_bytes,
        fileCharLimit=settings.file_max_chars,
    )


# --- /translate_file ------------------------------------------------------------------------


class TranslateFileOut(BaseModel):
    translatedFileUrl: str = Field(description="Where to download the translated file")  # noqa: N815
    detectedLanguage: dict[str, Any] | None = Field(  # noqa: N815
        None, description="With source=auto: {confidence, language}"
    )
    characters: int = Field(description="Characters translated (Triglot)")
    provenance: dict[str, Any] | None = Field(None, description="Engine and packages (Triglot)")
    glossary: dict[str, Any] | None = Field(
        None, description="With a glossary: its name, version and chosen_by (request, key, default)"
    )
    glossary_report: dict[str, Any] | None = Field(
        None, description="With a glossary: whether every term came out as the glossary says"
    )


def _glossary_summary(name: str, version: int | None, reports: list[Enforced]) -> dict[str, Any]:
    terms = [t for r in reports for t in r.terms]
    return {
        "glossary": name,
        "version": version,
        "compliant": all(r.compliant for r in reports),
        "terms": len(terms),
        "missing": sorted({t.concept_id for t in terms if not t.present}),
        "forbidden_replaced": sum(len(r.forbidden) for r in reports),
    }


@router.post(
    "/translate_file",
    response_model=TranslateFileOut,
    response_model_exclude_none=True,  # LibreTranslate's shape: no detectedLanguage unless auto
    responses={
        **_ERRORS,
        503: {"model": ErrorOut, "description": "Too many translated files wait for download"},
    },
)
async def translate_file(
    *,
    request: Request,
    svc: ServicesDep,
    engine: EngineDep,
    key: GuardDep,
    file: Annotated[UploadFile | None, File(description="The file to translate")] = None,
    source: Annotated[str | None, Form(description="Language code, or auto")] = None,
    target: Annotated[str | None, Form(description="Language code")] = None,
    api_key: Annotated[str | None, Form(description="API key (LibreTranslate's way)")] = None,
    glossary: Annotated[
        str | None,
        Form(description="Glossary name, name@N, or none (default: the key's, else the server's)"),
    ] = None,
) -> TranslateFileOut:
    """Translate a .txt, .html, .docx or .odt file, formatting kept; answers where to
    download it (for TRIGLOT_FILE_TTL_SECONDS). A glossary's terms are enforced: the one
    named (``glossary``; ``none`` for none), else the key's, else the server's default, as
    for /translate (``service.api.glossary_choice``)."""
    settings = svc.settings
    if not settings.files_translation:
        raise DisabledError("Files translation are disabled on this server.")
    if file is None:
        raise TranslateRequestError("Invalid request: missing file parameter")
    if not source:
        raise TranslateRequestError("Invalid request: missing source parameter")
    if not target:
        raise TranslateRequestError("Invalid request: missing target parameter")
    for name, code in (("source", source), ("target", target)):
        if not _LANG_CODE.match(code) and not (name == "source" and code == "auto"):
            raise TranslateRequestError(
                f"Invalid request: {name} {code[:20]!r} is not a language code (e.g. fr, vi, en)"
            )
    if not file.filename:
        raise TranslateRequestError("Invalid request: empty file")
    suffix = file_format(file.filename)
    installed = engine.languages()  # BCP 47 tags: fr-FR -> fr (service.mt.languages)
    source = source if source == "auto" else installed_language(source, installed)
    target = installed_language(target, installed)
    pairs = engine.pairs()
    if source != "auto" and source not in {a for a, _ in pairs} | {target}:
        raise unsupported_language(engine, source, source, target)
    if target not in {b for _, b in pairs} | {source}:
        raise unsupported_language(engine, target, source, target)
    choice = await glossary_for(glossary or None, key, svc)
    chosen = choice.glossary if choice is not None else None
    data = await file.read()  # bounded by the body limit of /translate_file

    def work() -> FileTranslated:  # unzipping, parsing, translating: off the event loop
        check_file(suffix, data, max_bytes=settings.max_file_bytes)
        return translate_upload(
            engine,
            suffix,
            data,
            src_lang=source,
            tgt_lang=target,
            glossary=chosen,
            max_chars=settings.file_max_chars,
        )

    done = await to_thread.run_sync(work)
    stored = svc.files.save(done.data, download_name(file.filename, target))
    return TranslateFileOut(
        translatedFileUrl=str(request.url_for("download_file", name=stored)),
        detectedLanguage=(
            {"confidence": done.detected[1], "language": done.detected[0]}
            if done.detected
            else None
        ),
        characters=done.chars,
        provenance=(
            {
                "engine": done.provenance.engine,
                "packages": list(done.provenance.packages),
                "pivot": done.provenance.pivot,
            }
            if done.provenance
            else None
        ),
        glossary=choice.to_json() if choice is not None else None,
        glossary_report=(
            _glossary_summary(choice.glossary.name, choice.version, done.reports)
            if choice is not None
            else None
        ),
    )


@router.get(
    "/download_file/{name}",
    response_class=FileResponse,
    responses={
        200: {"content": {t.split(";")[0]: {} for t in MEDIA_TYPES.values()}},
        404: {"model": ErrorOut, "description": "Unknown or expired file"},
    },
)
def download_file(
    name: Annotated[str, PathParam(max_length=200)], svc: ServicesDep
) -> FileResponse:
    """A file translated by /translate_file, by the name its ``translatedFileUrl`` gives."""
    if not svc.settings.files_translation:
        raise DownloadDisabledError("Files translation are disabled on this server.")
    found = svc.files.get(name)
    suffix = "." + found.download_name.rsplit(".", 1)[-1]
    return FileResponse(
        found.path,
        media_type=MEDIA_TYPES.get(suffix, "application/octet-stream"),
        filename=found.download_name,
    )


# --- /suggest and the review of suggestions -------------------------------------------------


def _suggestion_json(s: Suggestion) -> dict[str, Any]:
    return {
        "id": s.id,
        "q": s.q,
        "s": s.s,
        "source": s.source_lang,
        "target": s.target_lang,
        "status": s.status,
        "author": s.author,
        "glossary": s.glossary,
        "proposal_id": s.proposal_id,
        "created_at": s.created_at.isoformat(),
        "decided_at": s.decided_at.isoformat() if s.decided_at else None,
    }


def _suggest_param(params: dict[str, Any], name: str) -> str:
    value = params.get(name)
    if value is None or value == "":
        raise TranslateRequestError(f"Invalid request: missing {name} parameter")
    if not isinstance(value, str):
        raise TranslateRequestError(f"Invalid request: {name} must be a string")
    if name in ("source", "target"):
        if not _LANG_CODE.match(value):
            raise TranslateRequestError(
                f"Invalid request: {name} {value[:20]!r} is not a language code (e.g. fr, vi, en)"
            )
        return value
    if len(value) > MAX_SUGGESTION_CHARS:
        raise TranslateRequestError(
            f"Invalid request: {name} has {len(value)} characters (most {MAX_SUGGESTION_CHARS})"
        )
    problem = text_problem(value, name)
    if problem:
        raise TranslateRequestError(f"Invalid request: {problem}")
    if not value.strip():
        raise TranslateRequestError(f"Invalid request: {name} is blank")
    return value


_SUGGEST_BODY = {
    "type": "object",
    "required": ["q", "s", "source", "target"],
    "properties": {
        "q": {"type": "string", "description": "Original text"},
        "s": {"type": "string", "description": "Suggested translation"},
        "source": {"type": "string", "description": "Language of q"},
        "target": {"type": "string", "description": "Language of s"},
        "api_key": {"type": "string"},
    },
}


@router.post(
    "/suggest",
    responses=_SUGGEST_ERRORS,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                media: {"schema": _SUGGEST_BODY}
                for media in ("application/json", "application/x-www-form-urlencoded")
            },
        }
    },
)
async def suggest(request: Request, svc: ServicesDep, key: GuardDep) -> dict[str, bool]:
    """Suggest a better translation (``q``, ``s``, ``source``, ``target``): stored for
    review, answers ``{"success": true}``. Off unless TRIGLOT_SUGGESTIONS is set."""
    if not svc.settings.suggestions:
        raise DisabledError("Suggestions are disabled on this server.")
    params = await request_params(request)
    q, s = _suggest_param(params, "q"), _suggest_param(params, "s")
    source, target = _suggest_param(params, "source"), _suggest_param(params, "target")
    svc.suggestions.add(
        q,
        s,
        source_lang=source,
        target_lang=target,
        author=key.name if key is not None else "anonymous",
        max_open=svc.settings.max_open_suggestions,
    )
    return {"success": True}


@router.get("/suggestions")
def list_suggestions(
    svc: ServicesDep,
    status: Literal["open", "proposed", "dismissed"] | None = None,
    offset: OffsetQuery = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict[str, Any]:
    """Stored suggestions, oldest first (``status`` to filter). Needs a key when
    TRIGLOT_API_KEYS is set: suggestions hold what users sent."""
    found, total = svc.suggestions.list(status=status, offset=offset, limit=limit)
    following = offset + len(found)
    return {
        "suggestions": [_suggestion_json(s) for s in found],
        "total": total,
        "offset": offset,
        "limit": limit,
        "next_offset": following if following < total else None,
    }


class ProposeIn(BaseModel):
    glossary: str = Field(max_length=100, examples=["vn-government-news"])
    concept: str | None = Field(
        None,
        max_length=100,
        description="An existing concept whose target term the suggestion replaces; "
        "none: a new concept suggestion-<id>",
    )
    note: str = Field("", max_length=2000)


@router.post("/suggestions/{sid}/propose", status_code=201, responses=_DECIDE_ERRORS)
def propose_suggestion(
    sid: IdPath, body: ProposeIn, svc: ServicesDep, glossaries: GlossariesDep
) -> dict[str, Any]:
    """Turn a suggestion into a proposal to a glossary, reviewed like any other (``/review``
    or ``POST /glossaries/{name}/proposals/{id}/approve``)."""
    suggestion, proposal = svc.suggestions.propose(
        sid, glossaries, glossary=body.glossary, concept_id=body.concept, note=body.note
    )
    return {
        "suggestion": _suggestion_json(suggestion),
        "proposal": {
            "id": proposal.id,
            "glossary": proposal.glossary,
            "base_version": proposal.base_version,
            "status": proposal.status,
            "note": proposal.note,
            "author": proposal.author,
            "url": f"/glossaries/{proposal.glossary}/proposals/{proposal.id}",
        },
    }


@router.post("/suggestions/{sid}/dismiss", responses=_DECIDE_ERRORS)
def dismiss_suggestion(sid: IdPath, svc: ServicesDep) -> dict[str, Any]:
    """Close a suggestion without proposing it."""
    return _suggestion_json(svc.suggestions.dismiss(sid))


# --- /spec ----------------------------------------------------------------------------------


@router.get("/spec", include_in_schema=False)
def spec(request: Request) -> JSONResponse:
    """The OpenAPI document (LibreTranslate serves its Swagger document here)."""
    return JSONResponse(request.app.openapi())
