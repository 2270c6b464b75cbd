"""Pages for people, served as files from ``static/`` (no CDN: every asset ships here)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

router = APIRouter(include_in_schema=False)
STATIC = Path(__file__).parent / "static"
REVIEW_PAGE = STATIC / "review.html"


@router.get("/review", response_class=HTMLResponse)
def review_page() -> HTMLResponse:
    """The glossary review page (it calls the glossary API from the browser)."""
    return HTMLResponse(REVIEW_PAGE.read_text(encoding="utf-8"))
