"""Glossary API: versions, diffs, proposals, review decisions, import/export.

Changes carry ``If-Match: "vN"`` (the version they are based on); a stale one gets 412.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from glossary import GlossaryError
from glossary.jsonform import apply_edits, concept_to_dict, to_dict
from glossary.tables import write_table
from glossary.tbx import write_tbx
from glossary.versions import GlossaryDiff, diff
from service.api.deps import DocumentsDep, EngineDep, GlossariesDep, SettingsDep
from service.api.imports import parse_import, plan_import, plan_json
from service.api.jsonbody import checked_text, json_body
from service.api.schemas import ErrorOut, GlossaryName, IdPath, VersionQuery
from service.errors import BadInputError, UnsupportedMediaError
from service.mt.impact import impact
from service.store.db import MAX_ID
from service.store.glossaries import GlossaryStore, Proposal, etag

_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorOut, "description": "No such glossary, version or proposal"}
}
_CHANGE: dict[int | str, dict[str, Any]] = {
    **_NOT_FOUND,
    409: {"model": ErrorOut, "description": "The proposal is already decided"},
    412: {"model": ErrorOut, "description": "If-Match missing or stale: reload"},
    413: {"model": ErrorOut, "description": "File over the size limit"},
    415: {"model": ErrorOut, "description": "Neither JSON edits nor a file upload"},
    422: {"model": ErrorOut, "description": "Invalid edits or file (the reason is named)"},
}
router = APIRouter(tags=["glossary"], responses=_NOT_FOUND)


IfMatch = Annotated[str | None, Header(description='The version changed from, e.g. "v3"')]


def diff_json(d: GlossaryDiff, *, from_version: int, to_version: int | None) -> dict[str, Any]:
    def term(t: Any) -> dict[str, Any] | None:
        if t is None:
            return None
        return {
            "text": t.text,
            "lang": t.lang,
            "status": t.status,
            "case_sensitive": t.case_sensitive,
        }

    return {
        "from": from_version,
        "to": to_version,
        "added": [concept_to_dict(c) for c in d.added],
        "removed": [concept_to_dict(c) for c in d.removed],
        "changed": [
            {
                "id": c.concept_id,
                "note_before": c.note_before,
                "note_after": c.note_after,
                "terms": [
                    {
                        "kind": t.kind,
                        "lang": t.lang,
                        "before": term(t.before),
                        "after": term(t.after),
                    }
                    for t in c.terms
                ],
            }
            for c in d.changed
        ],
    }


def _proposal_json(store: GlossaryStore, p: Proposal) -> dict[str, Any]:
    base = store.version(p.glossary, p.base_version)
    return {
        "id": p.id,
        "glossary": p.glossary,
        "base_version": p.base_version,
        "status": p.status,
        "note": p.note,
        "author": p.author,
        "result_version": p.result_version,
        "created_at": p.created_at.isoformat(),
        "decided_at": p.decided_at.isoformat() if p.decided_at else None,
        "diff": diff_json(diff(base, p.content), from_version=p.base_version, to_version=None),
    }


@router.get("/glossaries")
def list_glossaries(store: GlossariesDep) -> list[dict[str, Any]]:
    return [
        {
            "name": g.name,
            "current_version": g.current_version,
            "concepts": g.n_concepts,
            "open_proposals": g.open_proposals,
        }
        for g in store.all()
    ]


@router.get("/glossaries/{name}")
def get_glossary(name: GlossaryName, store: GlossariesDep, response: Response) -> dict[str, Any]:
    """The current version, with its ETag."""
    number, glossary = store.current(name)
    response.headers["ETag"] = etag(number)
    return {"version": number, **to_dict(glossary)}


@router.get("/glossaries/{name}/versions")
def list_versions(name: GlossaryName, store: GlossariesDep) -> list[dict[str, Any]]:
    return [
        {
            "number": v.number,
            "note": v.note,
            "proposal_id": v.proposal_id,
            "created_at": v.created_at.isoformat(),
        }
        for v in store.versions(name)
    ]


@router.get("/glossaries/{name}/versions/{number}")
def get_version(name: GlossaryName, number: IdPath, store: GlossariesDep) -> dict[str, Any]:
    return {"version": number, **to_dict(store.version(name, number))}


@router.get("/glossaries/{name}/diff")
def get_diff(
    name: GlossaryName,
    store: GlossariesDep,
    from_version: Annotated[int, Query(alias="from", ge=1, le=MAX_ID)],
    to_version: Annotated[int, Query(alias="to", ge=1, le=MAX_ID)],
) -> dict[str, Any]:
    """Added, removed and changed concepts and terms between any two versions."""
    d = diff(store.version(name, from_version), store.version(name, to_version))
    return diff_json(d, from_version=from_version, to_version=to_version)


@router.get(
    "/glossaries/{name}/export",
    responses={
        200: {
            "content": {
                "application/x-tbx+xml": {},
                "text/csv": {},
                "text/tab-separated-values": {},
            },
            "description": "The glossary file",
        }
    },
)
def export(
    name: GlossaryName,
    store: GlossariesDep,
    fmt: Annotated[str, Query(alias="format", pattern="^(csv|tsv|tbx)$")] = "tbx",
    version: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> Response:
    number, glossary = (
        store.current(name) if version is None else (version, store.version(name, version))
    )
    if fmt == "tbx":
        body, media = write_tbx(glossary), "application/x-tbx+xml"
    else:
        body = write_table(glossary, delimiter="," if fmt == "csv" else "\t").encode()
        media = "text/csv" if fmt == "csv" else "text/tab-separated-values"
    filename = f"{name}-v{number}.{fmt}"
    return Response(
        body,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.post(
    "/glossaries/{name}/proposals",
    status_code=201,
    responses=_CHANGE,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": ["edits"],
                        "properties": {
                            "edits": {
                                "type": "object",
                                "properties": {
                                    "upsert": {"type": "array", "items": {"type": "object"}},
                                    "remove": {"type": "array", "items": {"type": "string"}},
                                },
                            },
                            "note": {"type": "string"},
                            "author": {"type": "string"},
                        },
                    }
                },
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file"],
                        "properties": {
                            "file": {"type": "string", "format": "binary"},
                            "format": {"type": "string", "enum": ["csv", "tsv", "tbx"]},
                            "pair": {"type": "string"},
                            "replace": {"type": "boolean", "default": False},
                            "note": {"type": "string"},
                            "author": {"type": "string"},
                        },
                    }
                },
            },
        }
    },
)
async def propose(
    name: GlossaryName,
    request: Request,
    store: GlossariesDep,
    settings: SettingsDep,
    if_match: IfMatch = None,
) -> dict[str, Any]:
    """Propose a change: JSON ``{"edits": {"upsert": [...], "remove": [...]}, "note",
    "author"}``, or a multipart upload (``file``, ``format`` csv|tsv|tbx, ``pair``, ``note``,
    ``author``, ``replace``) merged into the glossary (``replace=true``: the file becomes
    the glossary); an upload's answer says what it does (``import``: mode, created / updated
    / unchanged / removed / untouched counts, and a warning when it removes more than
    ``TRIGLOT_IMPORT_REMOVAL_WARNING_SHARE`` of the concepts). Nothing goes live until
    approved."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    _number, current = store.current(name)
    plan = None
    if media == "application/json":
        body = await json_body(request)
        if not isinstance(body, dict) or "edits" not in body:
            raise BadInputError('body: {"edits": {"upsert": [...], "remove": [...]}}')
        try:
            content = apply_edits(current, body["edits"])
        except GlossaryError as exc:
            raise BadInputError(f"edits: {exc}") from None
        note, author = str(body.get("note", "")), str(body.get("author", ""))
    elif media == "multipart/form-data":
        async with request.form() as form:
            upload = form.get("file")
            if upload is None or isinstance(upload, str):
                raise BadInputError("file: missing")
            fmt = str(form.get("format") or Path(upload.filename or "").suffix.lstrip("."))
            if fmt not in ("csv", "tsv", "tbx"):
                raise BadInputError(f"format: {fmt!r} is not csv, tsv or tbx")
            data = await upload.read()  # bounded by the body limit of /glossaries
            pair = form.get("pair")
            note = checked_text(str(form.get("note") or f"import {upload.filename}"), "note")
            author = checked_text(str(form.get("author") or ""), "author")
            replace = str(form.get("replace") or "false").strip().lower()
        if replace not in ("true", "false", "1", "0"):
            raise BadInputError(f"replace: {replace!r} is not true or false")
        plan = await run_in_threadpool(  # parsing and merging a large file: off the event loop
            lambda: plan_import(
                current,
                parse_import(
                    data,
                    name=name,
                    fmt=fmt,
                    pair=pair if isinstance(pair, str) else None,
                    max_bytes=settings.max_glossary_bytes,
                ),
                replace=replace in ("true", "1"),
            )
        )
        content = plan.glossary
    else:
        raise UnsupportedMediaError("send application/json edits or a multipart file upload")
    proposal = store.propose(name, content, if_match=if_match, note=note, author=author)
    out = _proposal_json(store, proposal)
    if plan is not None:
        out["import"] = plan_json(plan, warning_share=settings.import_removal_warning_share)
    return out


@router.get("/glossaries/{name}/proposals")
def list_proposals(
    name: GlossaryName, store: GlossariesDep, status: Annotated[str | None, Query()] = None
) -> list[dict[str, Any]]:
    return [_proposal_json(store, p) for p in store.proposals(name, status=status)]


@router.get("/glossaries/{name}/proposals/{pid}")
def get_proposal(name: GlossaryName, pid: IdPath, store: GlossariesDep) -> dict[str, Any]:
    return _proposal_json(store, store.proposal(name, pid))


@router.get("/glossaries/{name}/proposals/{pid}/impact")
async def get_impact(
    name: GlossaryName,
    pid: IdPath,
    store: GlossariesDep,
    documents: DocumentsDep,
    engine: EngineDep,
) -> dict[str, Any]:
    """Stored segments whose English would change, with the English before and after."""
    proposal = store.proposal(name, pid)
    base = store.version(name, proposal.base_version)
    return await run_in_threadpool(impact, documents, engine, base, proposal.content)


@router.post("/glossaries/{name}/proposals/{pid}/approve", responses=_CHANGE)
def approve(
    name: GlossaryName, pid: IdPath, store: GlossariesDep, if_match: IfMatch = None
) -> dict[str, Any]:
    version = store.approve(name, pid, if_match=if_match)
    return {"glossary": name, "current_version": version.number, "etag": etag(version.number)}


@router.post("/glossaries/{name}/proposals/{pid}/reject", responses=_CHANGE)
def reject(name: GlossaryName, pid: IdPath, store: GlossariesDep) -> dict[str, Any]:
    return _proposal_json(store, store.reject(name, pid))


@router.post("/glossaries/{name}/rollback", responses=_CHANGE)
def rollback(
    name: GlossaryName, store: GlossariesDep, to: VersionQuery, if_match: IfMatch = None
) -> dict[str, Any]:
    version = store.rollback(name, to, if_match=if_match)
    return {"glossary": name, "current_version": version.number, "etag": etag(version.number)}
