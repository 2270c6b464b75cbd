"""The translate page: a text in, its English out, glossary terms marked, each line's
glossary report, alternatives, a copy button; and file translation where the app has it."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from glossary import Glossary
from glossary.enforcement import Enforced
from service.errors import ServiceError
from service.mt.engine import LANGUAGE_NAMES, Translated
from service.mt.texts import translate_texts
from service.textcheck import text_problem
from service.web.deps import EngineDep, GlossariesDep, SettingsDep
from service.web.render import Piece, for_people, highlight, message, page

router = APIRouter(include_in_schema=False)
FILE_ROUTE = "/translate_file"


@dataclass(frozen=True, slots=True)
class Line:
    """One translated line as the page shows it."""

    source: str
    result: Translated
    pieces: list[Piece]
    report: Enforced | None
    detected: str


def _languages(engine: EngineDep) -> tuple[list[str], list[str]]:
    pairs = engine.pairs()
    return sorted({a for a, _ in pairs}), sorted({b for _, b in pairs})


@router.get("/ui/translate", response_class=HTMLResponse)
def translate_page(request: Request, engine: EngineDep, glossaries: GlossariesDep) -> HTMLResponse:
    sources, targets = _languages(engine)
    # /translate_file is always mounted, and answers unless TRIGLOT_FILES_TRANSLATION=false
    has_file_route = bool(request.app.state.services.settings.files_translation)
    return page(
        request,
        "translate.html",
        {
            "title": "Translate",
            "nav": "translate",
            "sources": sources,
            "targets": targets,
            "names": LANGUAGE_NAMES,
            "glossaries": glossaries.all(),
            "file_route": FILE_ROUTE if has_file_route else None,
        },
    )


@router.post("/ui/translate", response_class=HTMLResponse)
async def translate_action(
    request: Request, engine: EngineDep, glossaries: GlossariesDep, settings: SettingsDep
) -> HTMLResponse:
    """Translate the form's text line by line (each non-blank line is one segment)."""
    async with request.form() as form:
        text = str(form.get("q") or "")
        source = str(form.get("source") or "auto")
        target = str(form.get("target") or "en")
        glossary_name = str(form.get("glossary") or "")
        alternatives_field = str(form.get("alternatives") or "0")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return message(request, "Type or paste a text to translate first.", status=422)
    problem = text_problem(text, "the text")
    if problem:
        return message(request, problem, status=422)
    if len(text) > settings.translate_max_chars:
        return message(
            request,
            f"The text has {len(text)} characters; this service translates at most "
            f"{settings.translate_max_chars} at a time. Translate it in parts.",
            status=413,
        )
    if len(lines) > settings.translate_max_batch:
        return message(
            request,
            f"The text has {len(lines)} lines; this service translates at most "
            f"{settings.translate_max_batch} lines at a time.",
            status=413,
        )
    sources, targets = _languages(engine)
    if source != "auto" and source not in sources:
        return message(request, f"No installed model translates from “{source}”.", status=422)
    if target not in targets:
        return message(request, f"No installed model translates into “{target}”.", status=422)
    alternatives = int(alternatives_field) if alternatives_field in ("0", "1", "2", "3") else 0
    glossary: Glossary | None = None
    version: int | None = None
    try:
        if glossary_name:
            version, glossary = glossaries.current(glossary_name)
        done = await translate_texts(
            engine,
            lines,
            src_lang=source,
            tgt_lang=target,
            alternatives=0 if glossary is not None else alternatives,
            glossary=glossary,
        )
    except ServiceError as exc:
        return message(request, for_people(exc), status=exc.status)
    shown: list[Line] = []
    for i, (line, result) in enumerate(zip(lines, done.results, strict=True)):
        report = done.reports[i]
        terms = {t.expected: t.concept_id for t in report.terms if t.present} if report else {}
        shown.append(
            Line(
                source=line,
                result=result,
                pieces=highlight(result.text, terms),
                report=report,
                detected=done.detected[i][0] if done.detected else "",
            )
        )
    return page(
        request,
        "_translation.html",
        {
            "lines": shown,
            "glossary": glossary_name,
            "version": version,
            "names": LANGUAGE_NAMES,
            "alternatives_dropped": glossary is not None and alternatives > 0,
        },
    )
