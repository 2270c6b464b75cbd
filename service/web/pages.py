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

router = APIRouter()  # the pages stay out of the API schema (their routers say so)
for _module in (home, translate, documents, glossary, review, apidocs):
    router.include_router(_module.router)

_TO_PAGE: dict[int | str, dict[str, object]] = {
    307: {"description": "A browser is sent to the page for people (`Location`)"}
}


# In the API schema: the paths are the API's too (POST /translate), so a 405's Allow and the
# schema list the same methods.
@router.get(
    "/translate",
    status_code=307,
    response_class=RedirectResponse,
    tags=["pages"],
    responses=_TO_PAGE,
)
def translate_redirect() -> RedirectResponse:
    """A browser opening LibreTranslate's API path finds the translate page (POST is the API)."""
    return RedirectResponse("/ui/translate", status_code=307)


@router.get(
    "/review",
    status_code=307,
    response_class=RedirectResponse,
    tags=["pages"],
    responses=_TO_PAGE,
)
def review_redirect() -> RedirectResponse:
    """The review page for people."""
    return RedirectResponse("/ui/review", status_code=307)


def mount_static(app: FastAPI) -> None:
    """Serve the pages' assets and the API docs' assets (the more specific mount first)."""
    app.mount(apidocs.PREFIX, StaticFiles(directory=apidocs.ASSETS), name="apidocs")
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
