"""LibreTranslate 1.9 wire format: POST /translate, GET /languages, POST /detect.

Requests may be JSON, form-encoded or multipart (the official clients send forms): one model
per route reads them all (``service.api.params``). Errors are
``{"error": "..."}`` with LibreTranslate's status codes. Triglot adds ``provenance`` to the
response (engine, packages, pivot language); clients that do not know it ignore it.
"""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from glossary import Glossary
from glossary.enforcement import Enforced
from service.api.deps import DetectParams, EngineDep, Services, caller_key, translate_params
from service.api.glossary_choice import choose_glossary
from service.api.params import TranslateRequestError
from service.errors import ServiceError
from service.mt.argos import ArgosEngine
from service.mt.engine import LANGUAGE_NAMES, NoRouteError
from service.mt.languages import UnknownLanguageError, resolve_tag
from service.mt.memory import translate_texts
from service.mt.texts import detect_lang


class LanguageOut(BaseModel):
    code: str
    name: str
    targets: list[str]


class DetectOut(BaseModel):
    confidence: float = Field(description="0-100")
    language: str


router = APIRouter(tags=["translation"])

# An empty q (or an empty list) is LibreTranslate's "missing q parameter" (400)
_Q = {
    "oneOf": [
        {"type": "string", "minLength": 1},
        {"type": "array", "items": {"type": "string"}, "minItems": 1},
    ]
}
_ONE_OR_MANY = {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
_TRANSLATED: dict[str, Any] = {
    "description": "The translation (lists where `q` was a list)",
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["translatedText", "provenance"],
                "properties": {
                    "translatedText": _ONE_OR_MANY,
                    "detectedLanguage": {},
                    "alternatives": {"type": "array"},
                    "provenance": {},
                    "glossary_report": {},
                },
            }
        }
    },
}
_TRANSLATE_BODY = {
    "type": "object",
    "required": ["q", "source", "target"],
    "properties": {
        "q": _Q,
        "source": {"type": "string", "description": "A language code, or auto"},
        "target": {"type": "string"},
        "format": {"type": "string", "enum": ["text", "html"]},
        "alternatives": {"type": "integer", "minimum": 0, "maximum": 3},
        "api_key": {"type": ["string", "null"]},
        "glossary": {"type": "string", "description": "Glossary name, or name@version"},
    },
}
_DETECT_BODY = {
    "type": "object",
    "required": ["q"],
    "properties": {
        "q": {"type": "string", "minLength": 1},
        "api_key": {"type": ["string", "null"]},
    },
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
def detect(body: DetectParams) -> list[DetectOut]:
    """The language of `q` among the ~100 the identifier knows, LibreTranslate style."""
    lang, confidence = detect_lang(body.q)
    return [DetectOut(confidence=confidence, language=lang)]


@router.post(
    "/translate",
    response_model=None,
    responses={**_BAD_REQUEST, 200: _TRANSLATED},
    openapi_extra=_body(_TRANSLATE_BODY),
)
async def translate(request: Request) -> Response:
    """Translate `q` (a string or a list) from `source` (a code or `auto`) to `target`.

    Optional: `format` (`text` or `html`: markup kept, text nodes translated), `alternatives`
    (number of extra translations), `api_key`. Response: `translatedText`,
    `detectedLanguage` (with `auto`), `alternatives`, and Triglot's `provenance`; with a
    glossary (named, the key's or the server's: see ``service.api.glossary_choice``),
    `glossary` (name, version, chosen_by) and `glossary_report`.
    """
    # The service's hot path: the edge middleware calls this endpoint directly, without the
    # router or dependency solving (service.api.direct), so what would be its dependencies
    # are called here. They read the request only: the OpenAPI document is the same (the
    # body is documented by ``openapi_extra``).
    svc: Services = request.app.state.services
    body = await translate_params(request, svc)
    chosen = await choose_glossary(body, caller_key(request), svc)
    engine, memory = svc.translator, svc.memory
    installed = engine.languages()
    source = body.source if body.source == "auto" else installed_language(body.source, installed)
    target = installed_language(body.target, installed)
    glossary = chosen.glossary if chosen is not None else None
    pairs = engine.pairs()
    if source != "auto" and source not in {a for a, _ in pairs} | {target}:
        raise _unsupported(engine, source, source, target)
    if target not in {b for _, b in pairs} | {source}:
        raise _unsupported(engine, target, source, target)
    done = await translate_texts(
        engine,
        body.texts,
        memory=memory,
        src_lang=source,
        tgt_lang=target,
        text_format=body.format,
        alternatives=body.alternatives,
        glossary=glossary,
    )

    def one_or_all(items: list[Any]) -> Any:
        return items if body.batch else items[0]

    out: dict[str, Any] = {"translatedText": one_or_all([r.text for r in done.results])}
    if done.detected:
        langs = [{"confidence": c, "language": lang} for lang, c in done.detected]
        out["detectedLanguage"] = one_or_all(langs)
    if body.alternatives:
        out["alternatives"] = one_or_all([list(r.alternatives) for r in done.results])
    out["provenance"] = one_or_all(
        [
            {
                "engine": r.provenance.engine,
                "packages": list(r.provenance.packages),
                "pivot": r.provenance.pivot,
                "origin": r.provenance.origin,  # mt, tm-exact or tm-fuzzy (with its score)
                **({"score": r.provenance.score} if r.provenance.score is not None else {}),
            }
            for r in done.results
        ]
    )
    if chosen is not None:
        out["glossary"] = chosen.to_json()
        out["glossary_report"] = one_or_all(
            [
                _report(chosen.glossary, chosen.version, r, alts)
                for r, alts in zip(done.reports, done.alternative_reports, strict=True)
            ]
        )
    return Response(orjson.dumps(out), media_type="application/json")  # no re-validation


def installed_language(tag: str, installed: set[str]) -> str:
    """The installed language a BCP 47 tag stands for (``fr-FR`` -> ``fr``); an unmatched
    tag is kept as given, for the "not supported" answer below."""
    try:
        return resolve_tag(tag, installed)
    except UnknownLanguageError:
        return tag


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


def _report(
    glossary: Glossary, version: int | None, enforced: Enforced | None, alts: list[Enforced]
) -> dict[str, Any]:
    assert enforced is not None  # every text gets a report when a glossary applies
    out = _one_report(glossary, version, enforced)
    if alts:
        out["alternatives"] = [_one_report(glossary, version, a) for a in alts]
    return out


def _one_report(glossary: Glossary, version: int | None, enforced: Enforced) -> dict[str, Any]:
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
        "leftover_placeholders": list(enforced.leftovers),
    }


unsupported_language = _unsupported
"""LibreTranslate's "is not supported" error with the reason, for the other routes."""
