"""Glossary API: versions, diffs, proposals, review decisions, import/export.

Changes carry ``If-Match: "vN"`` (the version they are based on); a stale one gets 412.
Lists, diffs and impact are paged (``offset``, ``limit``; totals in the body or in
``X-Total-Count``); impact is a background job computed once per proposal. Authors and
approvers are the callers' key names (``anonymous`` when keys are off).
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from glossary import GlossaryError
from glossary.jsonform import apply_edits, concept_to_dict, to_dict
from glossary.tables import write_table
from glossary.tbx import write_tbx
from glossary.versions import GlossaryDiff
from service.api.deps import GlossariesDep, SettingsDep, TranslationsDep
from service.api.imports import parse_import, plan_import, plan_json
from service.api.jobs import ActorDep, JobsDep, WorkerDep
from service.api.jsonbody import checked_text, json_body
from service.api.schemas import ErrorOut, GlossaryName, IdPath, OffsetQuery, VersionQuery
from service.errors import BadInputError, UnsupportedMediaError
from service.jobs.kinds import impact_job, submit_retranslation
from service.jobs.store import Job, JobStore
from service.jobs.worker import JobWorker
from service.store.db import MAX_ID
from service.store.glossaries import (
    FREEZE_AT,
    Decision,
    GlossaryStore,
    Proposal,
    etag,
    quietly,
)
from service.store.translations import TranslationStore

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
PageLimit = Annotated[int, Query(ge=1, le=1000, description="Most items a page")]
DiffLimit = Annotated[
    int, Query(ge=0, le=1000, description="Most added, removed and changed concepts shown each")
]
ProposalStatus = Annotated[str | None, Query(pattern="^(open|approved|rejected|superseded)$")]


def diff_json(
    d: GlossaryDiff,
    *,
    from_version: int,
    to_version: int | None,
    offset: int = 0,
    limit: int | None = None,
) -> dict[str, Any]:
    """The diff as JSON; ``offset``/``limit`` page each of added, removed and changed
    (``counts`` holds their full sizes)."""
    end = None if limit is None else offset + limit

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
        "counts": {"added": len(d.added), "removed": len(d.removed), "changed": len(d.changed)},
        "offset": offset,
        "limit": limit,
        "added": [concept_to_dict(c) for c in d.added[offset:end]],
        "removed": [concept_to_dict(c) for c in d.removed[offset:end]],
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
            for c in d.changed[offset:end]
        ],
    }


def _proposal_json(
    store: GlossaryStore, p: Proposal, *, offset: int = 0, limit: int | None = 100
) -> dict[str, Any]:
    """A proposal with (a page of) its diff; ``limit`` 0: counts only."""
    return {
        "id": p.id,
        "glossary": p.glossary,
        "base_version": p.base_version,
        "status": p.status,
        "note": p.note,
        "author": p.author,
        "approver": p.approver,
        "reason": p.reason,
        "result_version": p.result_version,
        "concepts": p.n_concepts,
        "impact_job": p.impact_job_id,
        "created_at": p.created_at.isoformat(),
        "decided_at": p.decided_at.isoformat() if p.decided_at else None,
        "diff": diff_json(
            store.proposal_diff(p),
            from_version=p.base_version,
            to_version=None,
            offset=offset,
            limit=limit,
        ),
    }


def _decision_json(
    name: str,
    decision: Decision,
    *,
    jobs: JobStore,
    translations: TranslationStore,
    worker: JobWorker,
    who: str,
) -> dict[str, Any]:
    """An approval's or rollback's answer; queues the re-translation of stale English."""
    job = None
    if decision.stale_translations:
        job = submit_retranslation(jobs, translations, name, created_by=who)
        worker.wake()
    number = decision.version.number
    return {
        "glossary": name,
        "current_version": number,
        "etag": etag(number),
        "superseded": list(decision.superseded),
        "stale_translations": decision.stale_translations,
        "retranslation_job": job.id if job is not None else None,
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
def list_versions(
    name: GlossaryName,
    store: GlossariesDep,
    response: Response,
    offset: OffsetQuery = 0,
    limit: PageLimit = 100,
) -> list[dict[str, Any]]:
    """The history, oldest first: each version with its note, author (who proposed it),
    approver, date and size; the number of versions is in ``X-Total-Count``."""
    versions, total = store.versions(name, offset=offset, limit=limit), store.count_versions(name)
    response.headers["X-Total-Count"] = str(total)
    return [
        {
            "number": v.number,
            "note": v.note,
            "proposal_id": v.proposal_id,
            "author": v.author,
            "approver": v.approver,
            "concepts": v.n_concepts,
            "created_at": v.created_at.isoformat(),
        }
        for v in versions
    ]


@router.get("/glossaries/{name}/versions/{number}")
def get_version(name: GlossaryName, number: IdPath, store: GlossariesDep) -> dict[str, Any]:
    return {"version": number, **to_dict(store.version(name, number))}


@router.get("/glossaries/{name}/diff")
def get_diff(
    name: GlossaryName,
    *,
    store: GlossariesDep,
    from_version: Annotated[int, Query(alias="from", ge=1, le=MAX_ID)],
    to_version: Annotated[int, Query(alias="to", ge=1, le=MAX_ID)],
    offset: OffsetQuery = 0,
    limit: DiffLimit = 100,
) -> dict[str, Any]:
    """Added, removed and changed concepts and terms between any two versions (paged:
    ``offset``/``limit`` apply to each list; ``counts`` has their sizes)."""
    d = store.version_diff(name, from_version, to_version)
    return diff_json(
        d, from_version=from_version, to_version=to_version, offset=offset, limit=limit
    )


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
        try:
            body, media = write_tbx(glossary), "application/x-tbx+xml"
        except GlossaryError as exc:  # a character XML 1.0 cannot carry, stored before checks
            raise BadInputError(f"format tbx: {exc}; export as csv or tsv") from None
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
    *,
    request: Request,
    store: GlossariesDep,
    settings: SettingsDep,
    who: ActorDep,
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
    _number, current = await run_in_threadpool(store.current, name)  # may parse: off the loop
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
            lambda: quietly(
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
                ),
                freeze=lambda plan: len(plan.glossary.concepts) >= FREEZE_AT,
            )
        )
        content = plan.glossary
    else:
        raise UnsupportedMediaError("send application/json edits or a multipart file upload")
    # the caller's key name, never a name the body claims; with keys off nobody is verified,
    # so the name given (or "anonymous") is recorded as given
    author = who if who != "anonymous" else (author.strip() or "anonymous")
    proposal = await run_in_threadpool(
        lambda: store.propose(name, content, if_match=if_match, note=note, author=author)
    )
    out = await run_in_threadpool(_proposal_json, store, proposal)
    if plan is not None:
        out["import"] = plan_json(plan, warning_share=settings.import_removal_warning_share)
    return out


@router.get("/glossaries/{name}/proposals")
def list_proposals(
    name: GlossaryName,
    *,
    store: GlossariesDep,
    response: Response,
    status: ProposalStatus = None,
    offset: OffsetQuery = 0,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    diff_limit: DiffLimit = 20,
) -> list[dict[str, Any]]:
    """A page of proposals, oldest first, each with the first ``diff_limit`` of its added,
    removed and changed concepts (``diff.counts``: all); ``X-Total-Count``: how many match."""
    proposals = store.proposals(name, status=status, offset=offset, limit=limit)
    total = store.count_proposals(name, status=status)
    response.headers["X-Total-Count"] = str(total)
    return [_proposal_json(store, p, limit=diff_limit) for p in proposals]


@router.get("/glossaries/{name}/proposals/{pid}")
def get_proposal(
    name: GlossaryName,
    pid: IdPath,
    store: GlossariesDep,
    offset: OffsetQuery = 0,
    limit: DiffLimit = 100,
) -> dict[str, Any]:
    """A proposal with a page of its diff."""
    return _proposal_json(store, store.proposal(name, pid), offset=offset, limit=limit)


def _impact_json(job: Job, *, offset: int, limit: int) -> dict[str, Any]:
    out: dict[str, Any] = {"job": job.to_json(with_result=False), "state": job.state}
    if job.result is not None:
        changed = job.result.get("changed", [])
        out |= {k: v for k, v in job.result.items() if k != "changed"}
        out |= {
            "total": len(changed),
            "offset": offset,
            "limit": limit,
            "changed": changed[offset : offset + limit],
        }
    return out


async def _wait(jobs: JobStore, job: Job, wait_s: float) -> Job:
    """``job`` once finished, or as it is after ``wait_s`` seconds (polled off the loop)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait_s
    while not job.finished and loop.time() < deadline:
        await asyncio.sleep(0.05)
        job = await run_in_threadpool(jobs.get, job.id)
    return job


@router.get(
    "/glossaries/{name}/proposals/{pid}/impact",
    responses={202: {"description": "Still computing: poll again (or GET /jobs/{id})"}},
)
async def get_impact(
    name: GlossaryName,
    pid: IdPath,
    *,
    store: GlossariesDep,
    jobs: JobsDep,
    worker: WorkerDep,
    settings: SettingsDep,
    who: ActorDep,
    response: Response,
    offset: OffsetQuery = 0,
    limit: PageLimit = 50,
    wait: Annotated[float, Query(ge=0, le=10, description="Seconds to wait for it")] = 5,
) -> dict[str, Any]:
    """Stored segments whose English would change, with the English before and after: a
    background job computed once per proposal (the first request starts it), over at most
    TRIGLOT_IMPACT_MAX_SEGMENTS segments; the result is stored and paged. A client that
    leaves does not stop it; ``POST /jobs/{id}/cancel`` does, and shutdown does."""
    job, new = await run_in_threadpool(
        impact_job,
        store,
        jobs,
        name,
        pid,
        cap=settings.impact_max_segments,
        who=who,
        fresh=False,
    )
    if new:
        worker.wake()
    job = await _wait(jobs, job, wait)
    if not job.finished:
        response.status_code = 202
    return _impact_json(job, offset=offset, limit=limit)


@router.post("/glossaries/{name}/proposals/{pid}/impact", status_code=202, responses=_CHANGE)
def restart_impact(
    name: GlossaryName,
    pid: IdPath,
    *,
    store: GlossariesDep,
    jobs: JobsDep,
    worker: WorkerDep,
    settings: SettingsDep,
    who: ActorDep,
) -> dict[str, Any]:
    """Compute the impact again (after a cancelled or failed job, or new documents); a job
    still running is returned as it is."""
    job, new = impact_job(
        store, jobs, name, pid, cap=settings.impact_max_segments, who=who, fresh=True
    )
    if new:
        worker.wake()
    return _impact_json(job, offset=0, limit=0)


@router.post("/glossaries/{name}/proposals/{pid}/approve", responses=_CHANGE)
def approve(
    name: GlossaryName,
    pid: IdPath,
    *,
    store: GlossariesDep,
    jobs: JobsDep,
    worker: WorkerDep,
    translations: TranslationsDep,
    settings: SettingsDep,
    who: ActorDep,
    if_match: IfMatch = None,
) -> dict[str, Any]:
    """Make the proposal the next version; other open proposals close as ``superseded``,
    English made with older versions is marked stale and queued for re-translation (the
    answer names the job). With TRIGLOT_GLOSSARY_FOUR_EYES, its author may not approve it."""
    decision = store.approve(
        name, pid, if_match=if_match, approver=who, four_eyes=settings.glossary_four_eyes
    )
    return _decision_json(
        name, decision, jobs=jobs, translations=translations, worker=worker, who=who
    )


@router.post("/glossaries/{name}/proposals/{pid}/reject", responses=_CHANGE)
async def reject(
    name: GlossaryName,
    pid: IdPath,
    *,
    request: Request,
    store: GlossariesDep,
    who: ActorDep,
    reason: Annotated[str | None, Query(max_length=2000)] = None,
) -> dict[str, Any]:
    """Reject a proposal, with a reason (``reason`` in the query or a JSON body
    ``{"reason": ...}``), recorded with who rejected it."""
    if reason is None and request.headers.get("content-type", "").startswith("application/json"):
        try:
            body = json.loads(await request.body() or b"{}")
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise BadInputError(f"body: not valid JSON ({exc})") from None
        given = body.get("reason") if isinstance(body, dict) else None
        if given is not None and not isinstance(given, str):
            raise BadInputError("reason: a string")
        if given is not None and len(given) > 2000:
            raise BadInputError("reason: at most 2000 characters")
        reason = given
    proposal = await run_in_threadpool(
        lambda: store.reject(name, pid, reason=reason or "", decided_by=who)
    )
    return await run_in_threadpool(_proposal_json, store, proposal)


@router.post("/glossaries/{name}/rollback", responses=_CHANGE)
def rollback(
    name: GlossaryName,
    *,
    store: GlossariesDep,
    jobs: JobsDep,
    worker: WorkerDep,
    translations: TranslationsDep,
    who: ActorDep,
    to: VersionQuery,
    if_match: IfMatch = None,
) -> dict[str, Any]:
    decision = store.rollback(name, to, if_match=if_match, approver=who)
    return _decision_json(
        name, decision, jobs=jobs, translations=translations, worker=worker, who=who
    )
