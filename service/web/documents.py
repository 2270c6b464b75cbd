"""Document pages: the list with search and the form to add a page; one document with its
segments, its pairs side by side (French | Vietnamese | English) filtered by score, the
cross-page pairs with a stored original, and the TMX download."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from aligner.pairs import AlignedPair, page_pairs
from aligner.text import fold, words
from service.align.files import decode_page
from service.align.ingest import ingest_html, ingest_text
from service.align.links import link_document
from service.errors import ServiceError
from service.mt.translations import translate_document
from service.store.alignments import AlignedUnit, AlignmentStore, AlignmentSummary
from service.store.documents import DocumentStore, DocumentSummary, StoredDocument
from service.store.translations import TranslationStore
from service.web.deps import (
    AlignmentsDep,
    DocumentsDep,
    EngineDep,
    GlossariesDep,
    SettingsDep,
    TranslationsDep,
)
from service.web.render import for_people, message, page

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50
SEARCH_SCAN = 5000
"""A search reads at most this many document summaries (newest first)."""
SCORES = (0.0, 0.5, 0.7, 0.9, 0.95, 0.99)

DocId = Annotated[int, Query(ge=1, le=2**62)]
MinScore = Annotated[float, Query(ge=0.0, le=1.0)]


@dataclass(frozen=True, slots=True)
class PairRow:
    """A pair as the page shows it: French, Vietnamese, the stored English of the French."""

    pair: AlignedPair
    english: str | None


def _summaries_newest_first(store: DocumentStore, limit: int) -> list[DocumentSummary]:
    total = store.count()
    found: list[DocumentSummary] = []
    end = total
    while end > 0 and len(found) < limit:
        start = max(0, end - 500)
        items, _ = store.list(offset=start, limit=end - start)
        found.extend(reversed(items))
        end = start
    return found[:limit]


def _matches(item: DocumentSummary, query: list[str]) -> bool:
    """Whether every word of ``query`` (folded) is in the title, name or address, folded:
    accents and case do not matter."""
    hay = fold(" ".join(x for x in (item.title, item.name, item.source_url) if x))
    return all(w in hay for w in query)


@router.get("/ui/documents", response_class=HTMLResponse)
def documents_page(
    request: Request,
    documents: DocumentsDep,
    q: Annotated[str, Query(max_length=200)] = "",
    offset: Annotated[int, Query(ge=0, le=2**62)] = 0,
) -> HTMLResponse:
    """All stored pages, newest first, or those whose title, name or URL hold every word of
    ``q``. An htmx request gets the list only."""
    query = fold(q).split()
    total = documents.count()
    if query:
        hits = [d for d in _summaries_newest_first(documents, SEARCH_SCAN) if _matches(d, query)]
        items, shown_total = hits[:PAGE_SIZE], len(hits)
    else:
        end = max(0, total - offset)
        start = max(0, end - PAGE_SIZE)
        chunk, _ = documents.list(offset=start, limit=max(1, end - start))
        items, shown_total = list(reversed(chunk)) if end else [], total
    context = {
        "title": "Documents",
        "nav": "documents",
        "items": items,
        "q": q,
        "total": total,
        "shown_total": shown_total,
        "offset": offset,
        "page_size": PAGE_SIZE,
        "searched": bool(query),
        "scan_limited": bool(query) and total > SEARCH_SCAN,
    }
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "doc-list":
        return page(request, "_doc_list.html", context)
    return page(request, "documents.html", context)


@router.post("/ui/documents", response_class=HTMLResponse)
async def add_document(
    request: Request, documents: DocumentsDep, settings: SettingsDep
) -> HTMLResponse:
    """Store a page pasted into the form or uploaded as a UTF-8 .txt file or an HTML page."""
    limit = max(settings.max_page_bytes, settings.max_html_bytes)
    async with request.form() as form:
        pasted = str(form.get("text") or "")
        name = str(form.get("name") or "").strip() or None
        url = str(form.get("url") or "").strip() or None
        upload = form.get("file")
        data = b""
        filename = ""
        if upload is not None and not isinstance(upload, str) and upload.filename:
            filename = upload.filename
            data = await upload.read(limit + 1)
    try:
        if data and filename.lower().endswith((".html", ".htm", ".xhtml")):
            doc, created = await run_in_threadpool(
                partial(
                    ingest_html,
                    documents,
                    data,
                    name=name or filename,
                    url=url,
                    max_bytes=settings.max_html_bytes,
                )
            )
            return await _stored(request, doc, created=created)
        if data:
            text = decode_page(data, name=filename, max_bytes=settings.max_page_bytes)
            name = name or filename
        elif pasted.strip():
            size = len(pasted.encode("utf-8", "surrogatepass"))
            if size > settings.max_page_bytes:
                return message(
                    request,
                    f"The page is {size} bytes; this service stores pages up to "
                    f"{settings.max_page_bytes} bytes.",
                    status=413,
                )
            text = pasted
        else:
            return message(
                request, "Paste the page's text or choose a .txt or .html file.", status=422
            )
        doc, created = await run_in_threadpool(
            partial(ingest_text, documents, text, name=name, url=url)
        )
    except ServiceError as exc:
        return message(request, for_people(exc), status=exc.status)
    return await _stored(request, doc, created=created)


async def _stored(request: Request, doc: StoredDocument, *, created: bool) -> HTMLResponse:
    title = doc.page.meta.titles.get(doc.page.meta.lang) or doc.name or f"document {doc.id}"
    if created:  # link it by URL (a write: reads never link); tell the memory and /health
        svc = request.app.state.services
        await run_in_threadpool(link_document, svc.documents, svc.alignments, doc)
        svc.memory.invalidate()
        request.app.state.health = None  # service.api.routes.health's cache (not imported here)
    if not created:
        return message(
            request,
            f"This page is stored already as document {doc.id}.",
            kind="info",
            link=f"/ui/documents/{doc.id}",
            link_text=f"Open “{title}”",
        )
    return message(
        request,
        f"Stored as document {doc.id}: {len(doc.page.segments)} segments, "
        f"{len(doc.pairs)} Vietnamese-French pairs.",
        kind="ok",
        link=f"/ui/documents/{doc.id}",
        link_text=f"Open “{title}”",
    )


def _pair_rows(
    doc: StoredDocument, translations: TranslationStore, min_score: float
) -> list[PairRow]:
    english = translations.get(doc.id, "en")
    rows = []
    for p in doc.pairs:
        if p.score < min_score:
            continue
        segs = p.fr.segments
        text = english[segs[0]].text if len(segs) == 1 and segs[0] in english else None
        rows.append(PairRow(p, text))
    return rows


def _slug_words(text: str | None) -> set[str]:
    return {w for w in words(fold(text or "")) if len(w) > 1}


def likeness(doc: StoredDocument, other: DocumentSummary) -> float:
    """How likely ``other`` (a page in the other language) is ``doc``'s original or version,
    0-1: the same source address, or the share of the French page's URL slug words that the
    Vietnamese title spells (diacritics folded)."""
    meta = doc.page.meta
    if meta.source_url and meta.source_url == other.source_url:
        return 1.0
    if meta.lang.startswith("vi"):  # the other is French: its slug spells our title
        slug, title = _slug_words(" ".join(_url_words(other.source_url))), meta.titles.get("vi")
    else:
        slug, title = set(meta.slug_words), other.title
    spelled = _slug_words(title)
    if not slug or not spelled:
        return 0.0
    return len(slug & spelled) / len(slug)


def _url_words(url: str | None) -> list[str]:
    path = (url or "").rstrip("/").rsplit("/", 1)[-1]
    return path.replace("-", " ").replace("_", " ").split()


LIKELY = 0.6
"""A page at least this alike is offered as the original (or version) of a document."""


def _others(
    documents: DocumentStore, doc: StoredDocument
) -> tuple[list[DocumentSummary], list[DocumentSummary]]:
    """Stored pages in the other language: those likely to be this one's original (or French
    version), most alike first, and the rest."""
    want = "fr" if doc.page.meta.lang.startswith("vi") else "vi"
    scored = [
        (likeness(doc, d), d)
        for d in _summaries_newest_first(documents, SEARCH_SCAN)
        if d.id != doc.id and d.lang.startswith(want)
    ]
    scored.sort(key=lambda x: -x[0])
    return [d for s, d in scored if s >= LIKELY], [d for s, d in scored if s < LIKELY]


@router.get("/ui/documents/{doc_id}", response_class=HTMLResponse)
def document_page(
    request: Request,
    doc_id: int,
    *,
    documents: DocumentsDep,
    translations: TranslationsDep,
    glossaries: GlossariesDep,
    alignments: AlignmentsDep,
    min_score: MinScore = 0.0,
) -> HTMLResponse:
    try:
        doc = documents.get(doc_id)
    except ServiceError as exc:
        return page(
            request,
            "missing.html",
            {"title": "Not found", "nav": "documents", "text": for_people(exc)},
            exc.status,
        )
    rows = _pair_rows(doc, translations, min_score)
    likely, others = _others(documents, doc)
    title = doc.page.meta.titles.get(doc.page.meta.lang) or doc.name or f"Document {doc.id}"
    return page(
        request,
        "document.html",
        {
            "title": title,
            "nav": "documents",
            "doc": doc,
            "meta": doc.page.meta,
            "rows": rows,
            "n_pairs": len(doc.pairs),
            "min_score": min_score,
            "scores": SCORES,
            "likely": likely,
            "others": others,
            "has_english": bool(translations.get(doc.id, "en")),
            "glossaries": glossaries.all(),
            "stored": stored_alignments(alignments, documents, doc.id),
        },
    )


@dataclass(frozen=True, slots=True)
class StoredAlignmentView:
    """A stored alignment linked to a document, as its page shows it: the other document
    (None: not a stored page, or gone), its first units and how many there are."""

    alignment: AlignmentSummary
    other: StoredDocument | None
    units: list[AlignedUnit]

    @property
    def other_title(self) -> str:
        if self.other is None:
            return ""
        meta = self.other.page.meta
        return meta.titles.get(meta.lang) or self.other.name or f"Document {self.other.id}"


@dataclass(frozen=True, slots=True)
class StoredAlignments:
    items: list[StoredAlignmentView]
    total: int


ALIGNMENTS_SHOWN = 10
"""Alignments a document page shows (the rest: ``GET /alignments``)."""
UNITS_SHOWN = 200
"""Units shown per alignment (all of them: its JSON and TMX)."""


def stored_alignments(
    alignments: AlignmentStore, documents: DocumentStore, doc_id: int
) -> StoredAlignments:
    """The alignments stored for ``doc_id`` (beads or cross-page pairs, with their scores)
    and the document on the other side of each, bounded (``ALIGNMENTS_SHOWN``, ``UNITS_SHOWN``)."""
    items, total = alignments.for_document(doc_id, limit=ALIGNMENTS_SHOWN)
    views = []
    for a in items:
        other_id = a.tgt_document_id if a.src_document_id == doc_id else a.src_document_id
        other = None
        if other_id is not None and other_id != doc_id:
            try:
                other = documents.get(other_id)
            except ServiceError:
                other = None
        views.append(StoredAlignmentView(a, other, alignments.units(a.id, limit=UNITS_SHOWN)))
    return StoredAlignments(views, total)


@router.get("/ui/documents/{doc_id}/pairs", response_class=HTMLResponse)
def document_pairs(
    request: Request,
    doc_id: int,
    documents: DocumentsDep,
    translations: TranslationsDep,
    min_score: MinScore = 0.0,
) -> HTMLResponse:
    """The pairs table alone, for the score filter."""
    try:
        doc = documents.get(doc_id)
    except ServiceError as exc:
        return message(request, for_people(exc), status=exc.status)
    rows = _pair_rows(doc, translations, min_score)
    return page(
        request,
        "_pairs.html",
        {"doc": doc, "rows": rows, "n_pairs": len(doc.pairs), "min_score": min_score},
    )


@router.get("/ui/documents/{doc_id}/cross", response_class=HTMLResponse)
async def cross_pairs(
    request: Request, doc_id: int, documents: DocumentsDep, other: DocId
) -> HTMLResponse:
    """Pairs across this page and another stored page (its original or its version)."""
    try:
        doc, second = documents.get(doc_id), documents.get(other)
    except ServiceError as exc:
        return message(request, for_people(exc), status=exc.status)
    vi, fr = (doc, second) if doc.page.meta.lang.startswith("vi") else (second, doc)
    if not vi.page.meta.lang.startswith("vi") or not fr.page.meta.lang.startswith("fr"):
        return message(
            request, "Choose a Vietnamese page and a French page to pair them.", status=422
        )
    pairs = await run_in_threadpool(page_pairs, vi.page, fr.page)
    return page(request, "_cross.html", {"pairs": pairs, "vi": vi, "fr": fr})


@router.post("/ui/documents/{doc_id}/translations", response_class=HTMLResponse)
async def translate_doc(
    request: Request,
    doc_id: int,
    *,
    documents: DocumentsDep,
    translations: TranslationsDep,
    engine: EngineDep,
    glossaries: GlossariesDep,
) -> HTMLResponse:
    """Translate the document's French and Vietnamese into English and store it; answers
    the pairs table with the English column filled."""
    async with request.form() as form:
        glossary_name = str(form.get("glossary") or "")
    try:
        chosen = None
        if glossary_name:
            number, content = glossaries.current(glossary_name)
            chosen = (content, number)
        await run_in_threadpool(
            partial(
                translate_document,
                documents,
                translations,
                engine,
                doc_id,
                tgt_lang="en",
                glossary=chosen,
            )
        )
        doc = documents.get(doc_id)
    except ServiceError as exc:
        return message(request, for_people(exc), status=exc.status)
    rows = _pair_rows(doc, translations, 0.0)
    return page(
        request,
        "_pairs.html",
        {"doc": doc, "rows": rows, "n_pairs": len(doc.pairs), "min_score": 0.0},
    )
