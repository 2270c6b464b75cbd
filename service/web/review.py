"""The review page: open proposals with counts on top; for each, the decision first (approve,
or reject with a reason), then the diff a page at a time, and on demand the impact on stored
segments with the changed words marked."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from glossary.model import Term
from service.errors import ServiceError
from service.jobs.kinds import impact_job, submit_retranslation
from service.store.glossaries import GlossaryStore, Proposal, etag
from service.web.deps import GlossariesDep, SettingsDep, WhoDep
from service.web.render import Piece, for_people, message, page, word_diff

router = APIRouter(include_in_schema=False)
DIFF_PAGE = 15
"""Diff rows shown at once: the decision stays near the top of even a large proposal."""


@dataclass(frozen=True, slots=True)
class DiffRow:
    concept: str
    change: str
    before: str
    after: str
    kind: str  # added, removed, changed


def _term(t: Term | None) -> str:
    if t is None:
        return ""
    extra = ", case-sensitive" if t.case_sensitive else ""
    return f"{t.text} ({t.lang}, {t.status}{extra})"


def diff_rows(store: GlossaryStore, p: Proposal) -> list[DiffRow]:
    d = store.proposal_diff(p)
    rows = [
        DiffRow(c.id, "concept added", "", "; ".join(_term(t) for t in c.terms), "added")
        for c in d.added
    ]
    rows += [
        DiffRow(c.id, "concept removed", "; ".join(_term(t) for t in c.terms), "", "removed")
        for c in d.removed
    ]
    for c in d.changed:
        rows += [
            DiffRow(c.concept_id, f"term {t.kind}", _term(t.before), _term(t.after), "changed")
            for t in c.terms
        ]
        if c.note_before != c.note_after:
            rows.append(DiffRow(c.concept_id, "note", c.note_before, c.note_after, "changed"))
    return rows


def _proposals(glossaries: GlossaryStore) -> dict[str, Any]:
    """The open proposals of every glossary with their first diff rows, and the counts."""
    groups: list[dict[str, Any]] = []
    n_open = n_stale = 0
    for info in glossaries.all():
        items: list[dict[str, Any]] = []
        for p in glossaries.proposals(info.name, status="open"):
            rows = diff_rows(glossaries, p)
            items.append(
                {
                    "p": p,
                    "rows": rows[:DIFF_PAGE],
                    "n_rows": len(rows),
                    "superseded": p.base_version != info.current_version,
                }
            )
            n_open += 1
            n_stale += p.base_version != info.current_version
        groups.append({"info": info, "proposals": items})
    return {"groups": groups, "n_open": n_open, "n_stale": n_stale, "page_size": DIFF_PAGE}


@router.get("/ui/review", response_class=HTMLResponse)
def review_page(request: Request, glossaries: GlossariesDep, settings: SettingsDep) -> HTMLResponse:
    """The review page. When keys are required, proposals (unpublished terms) are read with a
    key as through the API: a page asked for without one says so in words, and its script
    loads the list (``/ui/review/list``) with the key the person entered."""
    locked = settings.api_keys and getattr(request.state, "api_key", None) is None
    context = {"title": "Review", "nav": "review", "locked": locked}
    if not locked:
        context |= _proposals(glossaries)
    return page(request, "review.html", context)


@router.get("/ui/review/list", response_class=HTMLResponse)
def review_list(request: Request, glossaries: GlossariesDep) -> HTMLResponse:
    """The counts and open proposals, as a fragment (a key when keys are required: the
    access policy reads this path as private)."""
    return page(request, "_review_list.html", _proposals(glossaries))


@router.get("/ui/review/{name}/{pid}/diff", response_class=HTMLResponse)
def diff_page(
    request: Request,
    name: str,
    pid: int,
    glossaries: GlossariesDep,
    start: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> HTMLResponse:
    """The next rows of a proposal's diff (rows only, with the next "more" row)."""
    try:
        p = glossaries.proposal(name, pid)
    except ServiceError as exc:
        return message(request, for_people(exc), status=exc.status)
    rows = diff_rows(glossaries, p)
    return page(
        request,
        "_diff_rows.html",
        {
            "name": name,
            "p": p,
            "rows": rows[start : start + DIFF_PAGE],
            "start": start,
            "n_rows": len(rows),
            "page_size": DIFF_PAGE,
        },
    )


@router.get("/ui/review/{name}/{pid}/impact", response_class=HTMLResponse)
async def impact_view(
    request: Request,
    name: str,
    pid: int,
    *,
    glossaries: GlossariesDep,
    settings: SettingsDep,
    who: WhoDep,
) -> HTMLResponse:
    """Stored segments whose English changes, translated with both versions, the words that
    change marked: the proposal's impact job (``service.jobs``), started by the first look."""
    jobs = request.app.state.services.jobs
    try:
        job, new = await run_in_threadpool(
            partial(
                impact_job,
                glossaries,
                jobs,
                name,
                pid,
                cap=settings.impact_max_segments,
                who=who,
                fresh=False,
            )
        )
    except ServiceError as exc:
        return message(request, for_people(exc), status=exc.status)
    if new:
        request.app.state.jobs_worker.wake()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 10
    while not job.finished and loop.time() < deadline:
        await asyncio.sleep(0.1)
        job = await run_in_threadpool(jobs.get, job.id)
    if job.state != "done" or job.result is None:
        progress = f"{job.done} of {job.total}" if job.total else "started"
        text = (
            f"Still translating with both versions ({progress}): ask again in a moment."
            if not job.finished
            else f"The impact could not be computed ({job.state}): {job.error or ''}"
        )
        return message(request, text, status=200 if not job.finished else 500)
    found = job.result
    changes: list[dict[str, Any]] = []
    for item in found["changed"]:
        before: list[Piece] = []
        after: list[Piece] = []
        if item["before"] is not None and item["after"] is not None:
            before, after = word_diff(item["before"], item["after"])
        changes.append({**item, "before_pieces": before, "after_pieces": after})
    return page(request, "_impact.html", {"found": found, "changes": changes})


async def _form(request: Request) -> dict[str, str]:
    async with request.form() as raw:
        return {k: v for k, v in raw.items() if isinstance(v, str)}


def _decided(request: Request, name: str, pid: int, text: str, version: int | None) -> HTMLResponse:
    return page(
        request,
        "_decided.html",
        {"name": name, "pid": pid, "text": text, "version": version},
    )


@router.post("/ui/review/{name}/{pid}/approve", response_class=HTMLResponse)
async def approve(
    request: Request,
    name: str,
    pid: int,
    *,
    glossaries: GlossariesDep,
    settings: SettingsDep,
    who: WhoDep,
) -> HTMLResponse:
    form = await _form(request)
    base = form.get("base", "")
    try:
        p = glossaries.proposal(name, pid)
        current, _ = glossaries.current(name)
        if p.status != "open":
            return message(request, _FOR_DECIDED.format(p.status), status=409)
        if p.base_version != current:
            return message(request, _superseded(p.base_version, current), status=412)
        decision = glossaries.approve(
            name,
            pid,
            if_match=etag(int(base)) if base.isdigit() else None,
            approver=who,
            four_eyes=settings.glossary_four_eyes,
        )
        services = request.app.state.services
        if submit_retranslation(services.jobs, services.translations, name, created_by=who):
            request.app.state.jobs_worker.wake()  # stale English is translated again
        version = decision.version
    except ServiceError as exc:
        return message(request, for_people(exc), status=exc.status)
    return _decided(
        request, name, pid, f"Approved: version {version.number} is now in use.", version.number
    )


@router.post("/ui/review/{name}/{pid}/reject", response_class=HTMLResponse)
async def reject(
    request: Request, name: str, pid: int, glossaries: GlossariesDep, who: WhoDep
) -> HTMLResponse:
    form = await _form(request)
    reason = form.get("reason", "").strip()
    if not reason:
        return message(
            request, "Say why you reject it, so that the proposer knows what to change.", status=422
        )
    try:
        glossaries.reject(name, pid, reason=reason, decided_by=who)
    except ServiceError as exc:
        return message(request, for_people(exc), status=exc.status)
    return _decided(request, name, pid, f"Rejected: {reason}", None)


_FOR_DECIDED = "This proposal has already been decided ({}). Reload the page to see it."


def _superseded(base: int, current: int) -> str:
    return (
        f"This proposal was made from version {base}, but the glossary is now at version "
        f"{current}, so it can no longer be approved as it is. Reject it, or propose the "
        "change again from the current version."
    )
