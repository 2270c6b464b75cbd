"""Templates and the small text helpers pages share: highlighted terms, word-level diffs, and
errors worded for people."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import HTMLResponse

from service.errors import ServiceError

HERE = Path(__file__).parent
STATIC = HERE / "static"
templates = Jinja2Templates(directory=HERE / "templates")

KIND_NAMES = {
    "headline": "headline",
    "lead": "lead",
    "paragraph": "paragraph",
    "caption": "caption",
    "credit": "credit",
    "byline": "byline",
    "banner": "banner",
    "source": "source line",
    "related": "related article",
    "boilerplate": "navigation",
    "slug": "URL slug",
}
LANG_NAMES = {
    "fr": "French",
    "vi": "Vietnamese",
    "vi-ascii": "Vietnamese (no accents)",
    "en": "English",
    "mixed": "mixed",
    "und": "no letters",
}
METHOD_NAMES = {
    "placeholder": "protected during translation",
    "model": "the model's own choice",
    "post-edit": "corrected after translation",
    "missing": "missing",
}
templates.env.globals |= {"KIND_NAMES": KIND_NAMES, "LANG_NAMES": LANG_NAMES}
templates.env.globals["METHOD_NAMES"] = METHOD_NAMES


@cache
def _version() -> str:
    return version("triglot")


def page(
    request: Request, name: str, context: Mapping[str, Any], status: int = 200
) -> HTMLResponse:
    """Render template ``name`` (a whole page, or a fragment for htmx); every page knows
    whether the service asks for keys, and Triglot's version."""
    base = {
        "keys_required": bool(request.app.state.services.settings.api_keys),
        "version": _version(),
    }
    return templates.TemplateResponse(request, name, base | dict(context), status_code=status)


def message(
    request: Request,
    text: str,
    *,
    kind: str = "error",
    status: int = 200,
    link: str = "",
    link_text: str = "",
) -> HTMLResponse:
    """A short message fragment (``kind``: error, ok or info), with an optional link."""
    context = {"text": text, "kind": kind, "link": link, "link_text": link_text}
    return page(request, "_message.html", context, status)


_FOR_PEOPLE = {
    "key_required": "Changes on this service need a key. Enter yours under “Your key” at the "
    "top of the page (an administrator makes keys with `triglot keys add NAME`).",
    "invalid_key": "This key was not accepted: it is unknown or has been revoked. Check the "
    "key under “Your key” at the top of the page.",
    "not_found": "This item does not exist (any more). Go back to the list and reload it.",
    "proposal_closed": "This proposal has already been decided. Reload the page to see it.",
    "precondition_failed": "The glossary has changed since this page was loaded. Reload the "
    "page and try again.",
}


def for_people(exc: ServiceError) -> str:
    """An error as a sentence a translator understands; the service's own wording (which
    names the field and the limit) is kept for input errors."""
    return _FOR_PEOPLE.get(exc.code, str(exc))


@dataclass(frozen=True, slots=True)
class Piece:
    """A piece of text; ``mark``: the label of a highlighted term, or "" for plain text."""

    text: str
    mark: str = ""


def highlight(text: str, terms: Mapping[str, str]) -> list[Piece]:
    """``text`` cut into pieces where the ``terms`` (surface -> label) occur, whole words,
    longest first, never overlapping."""
    found = [t for t in terms if t.strip()]
    if not found:
        return [Piece(text)]
    alternatives = "|".join(re.escape(t) for t in sorted(found, key=len, reverse=True))
    pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")
    pieces: list[Piece] = []
    at = 0
    for m in pattern.finditer(text):
        if m.start() > at:
            pieces.append(Piece(text[at : m.start()]))
        pieces.append(Piece(m.group(0), terms[m.group(0)]))
        at = m.end()
    if at < len(text):
        pieces.append(Piece(text[at:]))
    return pieces


_WORDS = re.compile(r"\s+|\w+|[^\w\s]")


def word_diff(before: str, after: str) -> tuple[list[Piece], list[Piece]]:
    """Both texts cut into pieces, the words that differ marked ``del`` (before) and ``ins``
    (after): difflib on word tokens, whitespace kept."""
    a, b = _WORDS.findall(before), _WORDS.findall(after)
    old: list[Piece] = []
    new: list[Piece] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            old.append(Piece("".join(a[i1:i2])))
            new.append(Piece("".join(b[j1:j2])))
            continue
        if i2 > i1:
            old.append(Piece("".join(a[i1:i2]), "del"))
        if j2 > j1:
            new.append(Piece("".join(b[j1:j2]), "ins"))
    return _merge(old), _merge(new)


def _merge(pieces: Iterable[Piece]) -> list[Piece]:
    out: list[Piece] = []
    for p in pieces:
        if out and out[-1].mark == p.mark:
            out[-1] = Piece(out[-1].text + p.text, p.mark)
        else:
            out.append(p)
    return out
