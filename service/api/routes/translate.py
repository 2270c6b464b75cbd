"""LibreTranslate 1.9 wire format: POST /translate, GET /languages, POST /detect.

Requests may be JSON or form-encoded (the official clients send forms). Errors are
``{"error": "..."}`` with LibreTranslate's status codes. Triglot adds ``provenance`` to the
response (engine, packages, pivot language); clients that do not know it ignore it.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from aligner.langid import identify
from glossary import Glossary
from glossary.enforcement import Enforced, enforce
from service.api.access import GuardDep
from service.api.params import TranslateRequestError, request_params
from service.api.schemas import MAX_ID
from service.errors import ServiceError
from service.mt.engine import LANGUAGE_NAMES, ArgosEngine, NoRouteError, Translated
from service.mt.markup import translate_html
from service.textcheck import text_problem


class LanguageOut(BaseModel):
    code: str
    name: str
    targets: list[str]


class DetectOut(BaseModel):
    confidence: float = Field(description="0-100")
    language: str


def _engine(request: Request) -> ArgosEngine:
    engine: ArgosEngine = request.app.state.services.translator
    return engine


EngineDep = Annotated[ArgosEngine, Depends(_engine)]

router = APIRouter(tags=["translation"])
_LANG_CODE = re.compile(r"^[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")

_Q = {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
_TRANSLATE_BODY = {
    "type": "object",
    "required": ["q", "source", "target"],
    "properties": {
        "q": _Q,
        "source": {"type": "string", "description": "A language code, or auto"},
        "target": {"type": "string"},
        "format": {"type": "string", "enum": ["text", "html"]},
        "alternatives": {"type": "integer", "minimum": 0, "maximum": 3},
        "api_key": {"type": "string"},
        "glossary": {"type": "string", "description": "Glossary name, or name@version"},
    },
}
_DETECT_BODY = {
    "type": "object",
    "required": ["q"],
    "properties": {"q": {"type": "string"}, "api_key": {"type": "string"}},
}


def _body(schema: dict[str, Any]) -> dict[str, Any]:
    """LibreTranslate clients send JSON or forms: both are documented."""
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": schema},
                "application/x-www-form-urlencoded": {"schema": schema},
            },
        }
    }


_BAD_REQUEST: dict[int | str, dict[str, Any]] = {
    400: {
        "description": "Missing or unsupported parameter (LibreTranslate's status)",
        "content": {
            "application/json": {
                "schema": {"type": "object", "properties": {"error": {"type": "string"}}}
            }
        },
    }
}


def _detect(text: str) -> tuple[str, float]:
    guess = identify(text)
    lang = "vi" if guess.lang == "vi-ascii" else guess.lang
    if lang not in LANGUAGE_NAMES:
        lang = "en"
    return lang, round(guess.confidence * 100, 2)


@router.get("/languages", response_model=list[LanguageOut])
def languages(engine: EngineDep) -> list[LanguageOut]:
    """Installed languages, each with the languages it can be translated to."""
    pairs = engine.pairs()
    names = {p.src_lang: p.src_name for p in engine.packages()}
    names |= {p.tgt_lang: p.tgt_name for p in engine.packages()}
    codes = sorted({a for a, _ in pairs} | {b for _, b in pairs})
    return [
        LanguageOut(
            code=code,
            name=names.get(code, LANGUAGE_NAMES.get(code, code)),
            targets=sorted(b for a, b in pairs if a == code),
        )
        for code in codes
    ]


@router.post(
    "/detect",
    response_model=list[DetectOut],
    responses=_BAD_REQUEST,
    openapi_extra=_body(_DETECT_BODY),
)
async def detect(request: Request) -> list[DetectOut]:
    """The language of `q` (fr, vi or en), LibreTranslate style."""
    params = await request_params(request)
    q = params.get("q")
    if not isinstance(q, str) or not q:
        raise TranslateRequestError("Invalid request: missing q parameter")
    problem = text_problem(q, "q")
    if problem:
        raise TranslateRequestError(f"Invalid request: {problem}")
    lang, confidence = _detect(q)
    return [DetectOut(confidence=confidence, language=lang)]


@router.post("/translate", responses=_BAD_REQUEST, openapi_extra=_body(_TRANSLATE_BODY))
async def translate(request: Request, engine: EngineDep, key: GuardDep) -> dict[str, Any]:
    """Translate `q` (a string or a list) from `source` (a code or `auto`) to `target`.

    Optional: `format` (`text` or `html`: markup kept, text nodes translated), `alternatives`
    (number of extra translations), `api_key`. Response: `translatedText`,
    `detectedLanguage` (with `auto`), `alternatives`, and Triglot's `provenance`.
    """
    settings = request.app.state.services.settings
    params = await request_params(request)
    q, source, target = params.get("q"), params.get("source"), params.get("target")
    for name, value in (("q", q), ("source", source), ("target", target)):
        if value is None or value == "":
            raise TranslateRequestError(f"Invalid request: missing {name} parameter")
    if not isinstance(source, str) or not isinstance(target, str):
        raise TranslateRequestError("Invalid request: source and target must be strings")
    for name, code in (("source", source), ("target", target)):
        if not _LANG_CODE.match(code) and not (name == "source" and code == "auto"):
            shown = code if len(code) <= 20 else code[:20] + "…"
            raise TranslateRequestError(
                f"Invalid request: {name} {shown!r} is not a language code (e.g. fr, vi, en)"
            )
    batch = isinstance(q, list)
    raw = q if isinstance(q, list) else [q]
    if not all(isinstance(t, str) for t in raw):
        raise TranslateRequestError("Invalid request: q must be a string or a list of strings")
    texts: list[str] = [str(t) for t in raw]
    for i, t in enumerate(texts):
        problem = text_problem(t, f"q[{i}]" if batch else "q")
        if problem:
            raise TranslateRequestError(f"Invalid request: {problem}")
    if batch and len(texts) > settings.translate_max_batch:
        raise TranslateRequestError(
            f"Invalid request: request ({len(texts)}) exceeds text limit "
            f"({settings.translate_max_batch})"
        )
    chars = sum(len(t) for t in texts)
    max_chars = settings.translate_max_chars
    if key is not None and key.char_limit is not None:  # a key's own limit, as LibreTranslate
        max_chars = key.char_limit
    if max_chars and chars > max_chars:
        raise TranslateRequestError(
            f"Invalid request: request ({chars}) exceeds text limit ({max_chars})"
        )
    text_format = params.get("format") or "text"
    if text_format not in ("text", "html"):
        raise TranslateRequestError(f"{text_format} format is not supported")
    try:
        n_alternatives = int(params.get("alternatives") or 0)
    except (TypeError, ValueError):
        raise TranslateRequestError("Invalid request: alternatives must be a number") from None
    n_alternatives = max(0, min(n_alternatives, 3))
    glossary, glossary_version = _glossary(request, params.get("glossary"))

    pairs = engine.pairs()
    sources = {a for a, _ in pairs}
    targets = {b for _, b in pairs}
    if source != "auto" and source not in sources | {target}:
        raise _unsupported(engine, source, source, target)
    if target not in targets | {source}:
        raise _unsupported(engine, target, source, target)

    detected = [_detect(t) for t in texts] if source == "auto" else []
    groups: dict[str, list[int]] = {}
    for i, _text in enumerate(texts):
        groups.setdefault(detected[i][0] if detected else source, []).append(i)
    results: list[Translated | None] = [None] * len(texts)
    reports: list[Enforced | None] = [None] * len(texts)
    for src_lang, idxs in groups.items():
        chunk = [texts[i] for i in idxs]
        if glossary is not None and text_format == "text":
            done, enforced = await run_in_threadpool(
                _translate_with_glossary, engine, chunk, glossary, src_lang, target
            )
            for i, rep in zip(idxs, enforced, strict=True):
                reports[i] = rep
        elif text_format == "text":  # awaited on the loop: no thread waits for the decode
            done = await engine.translate_async(
                chunk, src_lang=src_lang, tgt_lang=target, alternatives=n_alternatives
            )
        else:
            done = [
                await run_in_threadpool(_translate_markup, engine, text, src_lang, target)
                for text in chunk
            ]
        for i, res in zip(idxs, done, strict=True):
            results[i] = res
    final = [r for r in results if r is not None]

    out: dict[str, Any] = {}
    translated = [r.text for r in final]
    out["translatedText"] = translated if batch else translated[0]
    if detected:
        langs = [{"confidence": c, "language": lang} for lang, c in detected]
        out["detectedLanguage"] = langs if batch else langs[0]
    if n_alternatives:
        alts = [list(r.alternatives) for r in final]
        out["alternatives"] = alts if batch else alts[0]
    provenance = [
        {
            "engine": r.provenance.engine,
            "packages": list(r.provenance.packages),
            "pivot": r.provenance.pivot,
        }
        for r in final
    ]
    out["provenance"] = provenance if batch else provenance[0]
    if glossary is not None:
        glossary_reports = [_report(glossary, glossary_version, r) for r in reports]
        out["glossary_report"] = glossary_reports if batch else glossary_reports[0]
    return out


def _unsupported(engine: ArgosEngine, code: str, source: str, target: str) -> ServiceError:
    """LibreTranslate's message, followed by which pair is missing and how to install it."""
    if source == "auto":
        reason = (
            f"no installed package translates into {target}; install one with "
            "`triglot models install FILE.argosmodel`"
        )
    else:
        try:
            engine.route(source, target)
            reason = ""
        except NoRouteError as exc:
            reason = str(exc)
    return TranslateRequestError(
        f"{code} is not supported: {reason}" if reason else f"{code} is not supported"
    )


def _glossary(request: Request, name: object) -> tuple[Glossary | None, int | None]:
    """The current version of the glossary named in the request (``name`` or ``name@N``)."""
    if name is None or name == "":
        return None, None
    store = request.app.state.services.glossaries
    text = str(name)
    base, _, pinned = text.partition("@")
    known = [g.name for g in store.all()]
    if base not in known:
        raise TranslateRequestError(
            f"unknown glossary {text!r}; available: {', '.join(known) or 'none'}"
        )
    if pinned:
        if not pinned.isdigit() or int(pinned) > MAX_ID:
            raise TranslateRequestError(
                f"glossary version must be a number from 1 to {MAX_ID}: {text!r}"
            )
        try:
            glossary: Glossary = store.version(base, int(pinned))
        except ServiceError as exc:
            raise TranslateRequestError(str(exc)) from None
        return glossary, int(pinned)
    number, current = store.current(base)
    return current, number


def _report(glossary: Glossary, version: int | None, enforced: Enforced | None) -> dict[str, Any]:
    if enforced is None:
        return {
            "glossary": glossary.name,
            "version": version,
            "terms": [],
            "forbidden": [],
            "note": "glossaries apply to format=text",
        }
    return {
        "glossary": glossary.name,
        "version": version,
        "compliant": enforced.compliant,
        "terms": [
            {
                "concept": t.concept_id,
                "source": t.source_term,
                "expected": t.expected,
                "present": t.present,
                "method": t.method,
            }
            for t in enforced.terms
        ],
        "forbidden": [
            {"concept": f.concept_id, "found": f.found, "replaced_by": f.replaced_by}
            for f in enforced.forbidden
        ],
    }


def _translate_with_glossary(
    engine: ArgosEngine, texts: list[str], glossary: Glossary, src_lang: str, tgt_lang: str
) -> tuple[list[Translated], list[Enforced]]:
    seen: list[Translated] = []

    def run(batch: list[str]) -> list[str]:
        done = engine.translate(batch, src_lang=src_lang, tgt_lang=tgt_lang)
        seen.extend(done)
        return [d.text for d in done]

    def force(text: str, prefix: str) -> str | None:
        return engine.force(text, prefix, src_lang=src_lang, tgt_lang=tgt_lang)

    enforced = enforce(
        glossary, texts, src_lang=src_lang, tgt_lang=tgt_lang, translate=run, force=force
    )
    provenance = seen[0].provenance
    return [Translated(e.text, (), provenance) for e in enforced], enforced


def _translate_markup(engine: ArgosEngine, text: str, src_lang: str, tgt_lang: str) -> Translated:
    """One HTML document: its text nodes translated in one batch, the markup kept."""
    done: list[Translated] = []

    def run(nodes: list[str]) -> list[str]:
        done.extend(engine.translate(nodes, src_lang=src_lang, tgt_lang=tgt_lang))
        return [d.text for d in done]

    translated = translate_html(text, run)
    if not done:  # no text node: still report the route that would be used
        done = engine.translate([""], src_lang=src_lang, tgt_lang=tgt_lang)
    return Translated(translated, (), done[0].provenance)
