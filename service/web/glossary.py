"""Glossary pages: browse and search the current concepts and terms, propose an edit or a
whole file, see the history of versions and roll back. Every change is a proposal that a
person approves on the review page; rollbacks write a new version at once."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from aligner.text import fold
from glossary import Glossary, GlossaryError
from glossary.jsonform import apply_edits, concept_to_dict
from glossary.model import Concept, Term
from glossary.tables import read_table
from glossary.tbx import read_tbx
from service.errors import ServiceError
from service.store.glossaries import GlossaryStore, etag
from service.web.deps import GlossariesDep, SettingsDep, WhoDep
from service.web.render import for_people, message, page

router = APIRouter(include_in_schema=False)
SHOWN = 300
"""At most this many concepts are listed at once (search narrows the list)."""


def _fold(text: str) -> str:
    return fold(text).casefold()


def _matching(glossary: Glossary, q: str) -> list[Concept]:
    words = _fold(q).split()
    if not words:
        return list(glossary.concepts)
    found = []
    for c in glossary.concepts:
        hay = _fold(" ".join([c.id, c.note, *(t.text for t in c.terms)]))
        if all(w in hay for w in words):
            found.append(c)
    return found


def _history(store: GlossaryStore, name: str) -> list[dict[str, Any]]:
    """Versions newest first, each with the proposal's author when it came from one."""
    rows = []
    for v in reversed(store.versions(name)):
        author = ""
        if v.proposal_id is not None:
            try:
                author = v.author or store.proposal(name, v.proposal_id).author
            except ServiceError:
                author = ""
        rows.append({"v": v, "author": author, "approver": getattr(v, "approver", "") or ""})
    return rows


@router.get("/ui/glossaries", response_class=HTMLResponse)
def glossaries_page(request: Request, glossaries: GlossariesDep) -> HTMLResponse:
    return page(
        request,
        "glossaries.html",
        {"title": "Glossaries", "nav": "glossary", "glossaries": glossaries.all()},
    )


@router.get("/ui/glossaries/{name}", response_class=HTMLResponse)
def glossary_page(
    request: Request,
    name: str,
    glossaries: GlossariesDep,
    q: Annotated[str, Query(max_length=200)] = "",
) -> HTMLResponse:
    try:
        number, content = glossaries.current(name)
    except ServiceError as exc:
        return page(
            request,
            "missing.html",
            {"title": "Not found", "nav": "glossary", "text": for_people(exc)},
            exc.status,
        )
    found = _matching(content, q)
    context = {
        "title": f"Glossary {name}",
        "nav": "glossary",
        "name": name,
        "version": number,
        "concepts": found[:SHOWN],
        "n_found": len(found),
        "n_all": len(content.concepts),
        "q": q,
        "history": _history(glossaries, name),
        "open": glossaries.proposals(name, status="open"),
    }
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "concepts":
        return page(request, "_concepts.html", context)
    return page(request, "glossary.html", context)


def _edited(current: Glossary, form: dict[str, str]) -> Glossary:
    """The current glossary with the form's concept added or changed: the preferred term of
    each language given is set (other terms of the concept are kept), a forbidden English
    rendering is added, the note replaced when given."""
    cid = form.get("concept", "").strip()
    if not cid:
        raise GlossaryError("concept: give the concept's id (e.g. prime-minister)")
    existing = current.concept(cid) if cid in {c.id for c in current.concepts} else None
    terms = list(existing.terms) if existing else []
    for lang in ("fr", "vi", "en"):
        text = form.get(f"term_{lang}", "").strip()
        if not text:
            continue
        at = next(
            (i for i, t in enumerate(terms) if t.lang == lang and t.status == "preferred"), None
        )
        if at is None:
            terms.append(Term(text, lang))
        else:
            terms[at] = replace(terms[at], text=text)
    forbidden = form.get("forbidden_en", "").strip()
    if forbidden and not any(t.text == forbidden and t.lang == "en" for t in terms):
        terms.append(Term(forbidden, "en", "forbidden"))
    if not terms:
        raise GlossaryError("give at least one term (French, Vietnamese or English)")
    note = form.get("note_concept", "").strip() or (existing.note if existing else "")
    concept = Concept(cid, tuple(terms), note)
    return apply_edits(current, {"upsert": [concept_to_dict(concept)]})


def _proposed(request: Request, store: GlossaryStore, name: str, pid: int) -> HTMLResponse:
    return message(
        request,
        f"Proposal {pid} is waiting for review. It changes nothing until someone approves it.",
        kind="ok",
        link=f"/ui/review#p-{pid}",
        link_text="Review it",
    )


def _base(form: dict[str, str]) -> str | None:
    base = form.get("base", "")
    return etag(int(base)) if base.isdigit() else None


@router.post("/ui/glossaries/{name}/proposals", response_class=HTMLResponse)
async def propose_edit(
    request: Request, name: str, glossaries: GlossariesDep, who: WhoDep
) -> HTMLResponse:
    """Propose adding or changing one concept, or removing one (``remove`` set)."""
    async with request.form() as raw:
        form = {k: v for k, v in raw.items() if isinstance(v, str)}
    try:
        _number, current = glossaries.current(name)
        remove = form.get("remove", "").strip()
        if remove:
            content = apply_edits(current, {"remove": [remove]})
            default_note = f"remove {remove}"
        else:
            content = _edited(current, form)
            default_note = f"edit {form.get('concept', '').strip()}"
        proposal = glossaries.propose(
            name,
            content,
            if_match=_base(form),
            note=form.get("note", "").strip() or default_note,
            author=who if who != "anonymous" else (form.get("author", "").strip() or who),
        )
    except GlossaryError as exc:
        return message(request, f"Not proposed: {exc}", status=422)
    except ServiceError as exc:
        return message(request, for_people(exc), status=exc.status)
    return _proposed(request, glossaries, name, proposal.id)


@router.post("/ui/glossaries/{name}/upload", response_class=HTMLResponse)
async def propose_file(
    request: Request, name: str, glossaries: GlossariesDep, settings: SettingsDep, who: WhoDep
) -> HTMLResponse:
    """Propose a whole glossary file (csv, tsv or tbx) as the next version."""
    limit = settings.max_glossary_bytes
    async with request.form() as form:
        upload = form.get("file")
        if upload is None or isinstance(upload, str) or not upload.filename:
            return message(request, "Choose a glossary file (.csv, .tsv or .tbx).", status=422)
        filename = upload.filename
        data = await upload.read(limit + 1)
        fields = {k: v for k, v in form.items() if isinstance(v, str)}
    fmt = fields.get("format") or Path(filename).suffix.lstrip(".").lower()
    if fmt not in ("csv", "tsv", "tbx"):
        return message(
            request,
            f"“{filename}” is not a .csv, .tsv or .tbx file: choose its format.",
            status=415,
        )
    if len(data) > limit:
        return message(
            request, f"The file is over this service's limit of {limit} bytes.", status=413
        )
    pair = fields.get("pair", "").strip()
    try:
        if fmt == "tbx":
            content = read_tbx(data, name=name)
        else:
            langs = pair.split(",") if pair else None
            if langs is not None and len(langs) != 2:
                return message(request, "Language pair: give two codes, e.g. fr,en.", status=422)
            content = read_table(
                data.decode("utf-8"),
                name=name,
                delimiter="," if fmt == "csv" else "\t",
                pair=(langs[0].strip(), langs[1].strip()) if langs else None,
            )
        proposal = glossaries.propose(
            name,
            content,
            if_match=_base(fields),
            note=fields.get("note", "").strip() or f"import {filename}",
            author=who if who != "anonymous" else (fields.get("author", "").strip() or who),
        )
    except UnicodeDecodeError as exc:
        return message(request, f"“{filename}” is not UTF-8 text (byte {exc.start}).", status=422)
    except GlossaryError as exc:
        return message(request, f"“{filename}” was not imported: {exc}", status=422)
    except ServiceError as exc:
        return message(request, for_people(exc), status=exc.status)
    return _proposed(request, glossaries, name, proposal.id)


@router.post("/ui/glossaries/{name}/rollback", response_class=HTMLResponse)
async def rollback(
    request: Request, name: str, glossaries: GlossariesDep, who: WhoDep
) -> HTMLResponse:
    """Make an old version's content current again (as a new version)."""
    async with request.form() as raw:
        form = {k: v for k, v in raw.items() if isinstance(v, str)}
    to = form.get("to", "")
    if not to.isdigit():
        return message(request, "Choose the version to go back to.", status=422)
    try:
        version = glossaries.rollback(name, int(to), if_match=_base(form), approver=who).version
    except ServiceError as exc:
        return message(request, for_people(exc), status=exc.status)
    return page(
        request,
        "_history.html",
        {
            "name": name,
            "version": version.number,
            "history": _history(glossaries, name),
            "done": f"Version {version.number} now holds the content of version {to}.",
        },
    )
