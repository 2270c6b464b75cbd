"""Parameters of LibreTranslate-style requests: JSON, form, multipart or query string, read
once (:func:`request_params`), then validated by one model per route (:class:`TranslateIn`,
:class:`DetectIn`) whatever the encoding."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal, TypeVar
from urllib.parse import parse_qsl

from fastapi import Request
from pydantic import BaseModel, BeforeValidator, ValidationError, ValidationInfo
from pydantic_core import PydanticCustomError

from service.api.jsonbody import cached_json, parse_json
from service.errors import ServiceError
from service.textcheck import text_problem


class TranslateRequestError(ServiceError):
    """A /translate, /detect or /languages request LibreTranslate would answer with 400."""

    status = 400
    code = "bad_request"


async def request_params(request: Request) -> dict[str, Any]:
    """The request's parameters (cached on the request: the access guard reads ``api_key``
    before the endpoint reads the rest)."""
    cached: dict[str, Any] | None = getattr(request.state, "params", None)
    if cached is not None:
        return cached
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    params: dict[str, Any]
    if media == "application/json":
        parsed, body = cached_json(request.scope)  # parsed by the edge middleware
        if not parsed:
            data = await request.body()
            try:
                body = parse_json(data) if data.strip() else {}
            except ServiceError as exc:
                raise TranslateRequestError(f"Invalid request: {exc}") from None
        if not isinstance(body, dict):
            raise TranslateRequestError("Invalid request: JSON body must be an object")
        params = body
    elif media == "application/x-www-form-urlencoded":
        try:  # strictly: a form that is not UTF-8 is an error, not U+FFFD characters
            body = (await request.body()).decode("utf-8")
            params = dict(parse_qsl(body, keep_blank_values=True, errors="strict"))
        except UnicodeDecodeError as exc:
            raise TranslateRequestError(
                f"Invalid request: form body is not UTF-8 ({exc.reason}: "
                f"{exc.object[exc.start : exc.end]!r})"
            ) from None
    elif media == "multipart/form-data":
        form = await request.form()
        params = {k: v for k, v in form.items() if isinstance(v, str)}
        if getattr(request.scope.get("route"), "body_field", None) is None:
            await form.close()  # no body declared: nothing else closes any uploaded file
        # else FastAPI parsed the form for the endpoint (it is cached) and closes it after
    else:
        params = dict(request.query_params)
    request.state.params = params
    return params


_LANG_CODE = re.compile(r"^[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$", re.IGNORECASE)  # BCP 47: any case


def _fail(message: str) -> PydanticCustomError:
    return PydanticCustomError("translate_request", message)


def _present(name: str) -> Callable[[object], object]:
    """LibreTranslate counts a null or empty parameter as missing."""

    def check(value: object) -> object:
        if value is None or value in ("", []):
            raise PydanticCustomError("missing_param", f"Invalid request: missing {name} parameter")
        return value

    return check


def _lang_code(name: str) -> Callable[[object], str]:
    def check(value: object) -> str:
        if not isinstance(value, str):
            raise _fail("Invalid request: source and target must be strings")
        if not _LANG_CODE.match(value) and not (name == "source" and value == "auto"):
            shown = value if len(value) <= 20 else value[:20] + "…"
            raise _fail(
                f"Invalid request: {name} {shown!r} is not a language code (e.g. fr, vi, en)"
            )
        return value

    return check


def _texts(value: object, info: ValidationInfo) -> str | list[str]:
    """``q``: a string or a list of strings, each without control characters, within the
    batch size and character limits given as validation context."""
    batch = isinstance(value, list)
    raw = value if isinstance(value, list) else [value]
    if not all(isinstance(t, str) for t in raw):
        raise _fail("Invalid request: q must be a string or a list of strings")
    texts: list[str] = [str(t) for t in raw]
    for i, t in enumerate(texts):
        problem = text_problem(t, f"q[{i}]" if batch else "q")
        if problem:
            raise _fail(f"Invalid request: {problem}")
    limits: TranslateLimits | None = info.context.get("limits") if info.context else None
    if limits is not None:
        if batch and len(texts) > limits.max_batch:
            raise _fail(
                f"Invalid request: request ({len(texts)}) exceeds text limit ({limits.max_batch})"
            )
        chars = sum(len(t) for t in texts)
        if limits.max_chars and chars > limits.max_chars:
            raise _fail(
                f"Invalid request: request ({chars}) exceeds text limit ({limits.max_chars})"
            )
    if limits is not None and limits.max_word_chars:
        too_long = _long_word(limits.max_word_chars)
        for i, t in enumerate(texts):
            found = too_long.search(t)
            if found is not None:
                where = f"q[{i}]" if batch else "q"
                raise _fail(
                    f"Invalid request: {where}: a word of {len(found.group())} characters "
                    f"at character {found.start()} is over the limit of "
                    f"{limits.max_word_chars} (TRIGLOT_TRANSLATE_MAX_WORD_CHARS)"
                )
    return texts if batch else texts[0]


def _text_format(value: object) -> object:
    text_format = value or "text"
    if text_format not in ("text", "html"):
        raise _fail(f"{text_format} format is not supported")
    return text_format


def _alternatives(value: object) -> int:
    try:
        n: int = int(value or 0)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise _fail("Invalid request: alternatives must be a number") from None
    return max(0, min(n, 3))


def _glossary_name(value: object) -> str | None:
    return None if value is None or value == "" else str(value)


@functools.cache
def _long_word(limit: int) -> re.Pattern[str]:
    return re.compile(rf"\S{{{limit + 1},}}")


def _api_key(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise _fail("Invalid request: api_key must be a string")


@dataclass(frozen=True, slots=True)
class TranslateLimits:
    """The most texts in one ``q``, the most characters in all of them, and the longest word
    (a run of characters without a space: its decoding cost grows with its length), 0: no
    limit."""

    max_batch: int
    max_chars: int
    max_word_chars: int = 0


class TranslateIn(BaseModel):
    """A ``POST /translate`` request, whether its parameters came as JSON, a form or a
    multipart form (read by :func:`request_params`). Checked in LibreTranslate's order:
    missing parameters, language codes, texts and their limits, format, alternatives; the
    first problem is answered with LibreTranslate's 400 and message."""

    source: Annotated[
        str, BeforeValidator(_lang_code("source")), BeforeValidator(_present("source"))
    ]
    target: Annotated[
        str, BeforeValidator(_lang_code("target")), BeforeValidator(_present("target"))
    ]
    q: Annotated[str | list[str], BeforeValidator(_texts), BeforeValidator(_present("q"))]
    format: Annotated[Literal["text", "html"], BeforeValidator(_text_format)] = "text"
    alternatives: Annotated[int, BeforeValidator(_alternatives)] = 0
    glossary: Annotated[str | None, BeforeValidator(_glossary_name)] = None
    api_key: Annotated[str | None, BeforeValidator(_api_key)] = None

    @property
    def batch(self) -> bool:
        return isinstance(self.q, list)

    @property
    def texts(self) -> list[str]:
        return self.q if isinstance(self.q, list) else [self.q]

    @classmethod
    def parse(cls, params: dict[str, Any], limits: TranslateLimits) -> TranslateIn:
        return _parse(cls, params, limits=limits)


def _detect_text(value: object) -> str:
    if not isinstance(value, str):
        raise _fail("Invalid request: missing q parameter")
    problem = text_problem(value, "q")
    if problem:
        raise _fail(f"Invalid request: {problem}")
    return value


class DetectIn(BaseModel):
    """A ``POST /detect`` request: ``q``, one text without control characters."""

    q: Annotated[str, BeforeValidator(_detect_text), BeforeValidator(_present("q"))]
    api_key: Annotated[str | None, BeforeValidator(_api_key)] = None

    @classmethod
    def parse(cls, params: dict[str, Any]) -> DetectIn:
        return _parse(cls, params)


_Model = TypeVar("_Model", bound=BaseModel)


def _parse(model: type[_Model], params: dict[str, Any], **context: object) -> _Model:
    """``model`` from request parameters; the first problem, missing parameters before the
    others as LibreTranslate checks them, as a :class:`TranslateRequestError`."""
    try:
        return model.model_validate(params, context=context)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        errors.sort(key=lambda e: e["type"] not in ("missing", "missing_param"))
        first = errors[0]
        if first["type"] == "missing":
            raise TranslateRequestError(
                f"Invalid request: missing {first['loc'][0]} parameter"
            ) from None
        raise TranslateRequestError(first["msg"]) from None
