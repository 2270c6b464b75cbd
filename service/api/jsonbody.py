"""The one JSON reader of the API: every JSON body is parsed here, once per request.

orjson parses (it refuses non-finite numbers such as ``1e400``, ``NaN`` and lone surrogates,
and stops at 1,024 levels without touching Python's recursion limit); then one walk bounds
the nesting to :data:`MAX_DEPTH` levels and applies the text check of
:mod:`service.textcheck` to every string and key, naming the place (``edits.upsert[0].note``).
Integers beyond 64 bits become floats in orjson; they are refused here, so no route sees a
number it cannot store. The parsed value is cached in the request's ``state`` so that the
access check (which may read ``api_key``) and the route share one parse.
"""

from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import Request
from starlette.types import Scope

from service.errors import BadInputError
from service.textcheck import text_problem

MAX_DEPTH = 32
"""Deepest nesting of arrays and objects in a body (the deepest the API needs is 5)."""

_CACHE = "triglot_json"


class MalformedJSONError(BadInputError):
    """A body that is not JSON, or JSON beyond the limits (depth, numbers): 422 as any bad
    input (LibreTranslate's routes answer 400, see ``service.api.edge``)."""


def parse_json(data: bytes) -> Any:
    """``data`` as JSON within the limits; raises :class:`MalformedJSONError` (syntax, depth,
    numbers) or :class:`~service.errors.BadInputError` (a string fails the text check)."""
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        message = str(exc)
        if "recursion" in message:
            message = f"nested deeper than {MAX_DEPTH} levels"
        elif "surrogate" in message:
            message = f"a lone surrogate (not text): {message}"
        raise MalformedJSONError(f"body: not valid JSON within the limits ({message})") from None
    _check(value, "", 0)
    return value


_MAX_INT = 2**63


def _check(value: Any, where: str, depth: int) -> None:
    if isinstance(value, str):
        problem = text_problem(value, where or "body")
        if problem:
            raise BadInputError(problem)
    elif isinstance(value, dict):
        if depth >= MAX_DEPTH:
            raise MalformedJSONError(f"body: nested deeper than {MAX_DEPTH} levels")
        for key, item in value.items():
            place = f"{where}.{key}" if where else key
            problem = text_problem(key, f"{where or 'body'} key")
            if problem:
                raise BadInputError(problem)
            _check(item, place, depth + 1)
    elif isinstance(value, list):
        if depth >= MAX_DEPTH:
            raise MalformedJSONError(f"body: nested deeper than {MAX_DEPTH} levels")
        for i, item in enumerate(value):
            _check(item, f"{where}[{i}]", depth + 1)
    elif isinstance(value, float) and abs(value) >= _MAX_INT and value.is_integer():
        raise MalformedJSONError(
            f"{where or 'body'}: a number beyond 64 bits ({value:.3g}) is not accepted"
        )


def cached_json(scope: Scope) -> tuple[bool, Any]:
    """(True, value) if this request's body was parsed already; (False, None) if not."""
    state = scope.get("state")
    if state is not None and _CACHE in state:
        return True, state[_CACHE]
    return False, None


def cache_json(scope: Scope, value: Any) -> None:
    scope.setdefault("state", {})[_CACHE] = value


async def json_body(request: Request) -> Any:
    """The request's JSON body (parsed once: the edge middleware usually has already)."""
    parsed, value = cached_json(request.scope)
    if parsed:
        return value
    data = await request.body()
    value = parse_json(data) if data.strip() else None
    if value is None:
        raise MalformedJSONError("body: not valid JSON (the body is empty)")
    cache_json(request.scope, value)
    return value


def checked_text(value: str, field: str) -> str:
    """``value`` if it passes the text check, else a 422 naming ``field``."""
    problem = text_problem(value, field)
    if problem:
        raise BadInputError(problem)
    return value
