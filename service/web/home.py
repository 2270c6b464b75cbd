"""The home page: what is installed, what is stored, what needs review, links to the rest."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from service.web.deps import DocumentsDep, EngineDep, GlossariesDep
from service.web.render import page

router = APIRouter(include_in_schema=False)
RECENT = 5


@router.get("/", response_class=HTMLResponse)
def home(
    request: Request, documents: DocumentsDep, glossaries: GlossariesDep, engine: EngineDep
) -> HTMLResponse:
    total = documents.count()
    recent, _ = documents.list(offset=max(0, total - RECENT), limit=RECENT)
    infos = glossaries.all()
    return page(
        request,
        "home.html",
        {
            "title": "Home",
            "nav": "home",
            "packages": engine.packages(),
            "pairs": sorted(engine.pairs()),
            "glossaries": infos,
            "open_proposals": sum(g.open_proposals for g in infos),
            "recent": list(reversed(recent)),
            "total": total,
        },
    )
