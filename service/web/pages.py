"""Pages for people: server-rendered Jinja2 templates, htmx for partial updates, and every
asset served by Triglot itself (``static/``; htmx is fetched from its npm package by
``make assets``; the API docs' assets come from the ``fastapi-offline`` package).

Pages live under ``/ui/`` because the JSON API owns ``/documents`` and ``/glossaries``; ``/``
is the home page, and ``GET /translate`` and ``/review`` send a browser to their page.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from service.web import apidocs, documents, glossary, home, review, translate
from service.web.render import STATIC

router = APIRouter(include_in_schema=False)
for _module in (home, translate, documents, glossary, review, apidocs):
    router.include_router(_module.router)


@router.get("/review", response_class=RedirectResponse)
def review_redirect() -> RedirectResponse:
    return RedirectResponse("/ui/review", status_code=307)


def mount_static(app: FastAPI) -> None:
    """Serve the pages' assets and the API docs' assets (the more specific mount first)."""
    app.mount(apidocs.PREFIX, StaticFiles(directory=apidocs.ASSETS), name="apidocs")
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
