"""The one place errors become HTTP answers: ``{"error": ..., "code": ...}`` with the status
of the :class:`~service.errors.ServiceError` subclass, of FastAPI's validation or of Starlette."""

from __future__ import annotations

import re
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from service.api.access import RateLimitedError
from service.errors import ServiceError

_HTTP_CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 413: "too_large"}


def validation_message(errors: Any) -> str:
    """pydantic's errors as one line: ``field: message; field: message``."""
    parts = []
    for err in errors:
        loc = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or "body"
        parts.append(f"{loc}: {err.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


def error_parts(exc: ServiceError) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, JSON body) of the answer to ``exc``: the exception handler and the
    edge middleware answer the same way."""
    headers = {}
    if isinstance(exc, RateLimitedError):
        headers["Retry-After"] = str(exc.retry_after)
        headers["X-RateLimit-Limit"] = str(exc.limit)
        headers["X-RateLimit-Remaining"] = "0"
    elif exc.status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    return exc.status, headers, orjson.dumps({"error": str(exc), "code": exc.code})


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ServiceError)
    async def _service_error(_request: Request, exc: ServiceError) -> Response:
        status, headers, body = error_parts(exc)
        return Response(body, status_code=status, headers=headers, media_type="application/json")

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(
            {"error": validation_message(exc.errors()), "code": "bad_input"}, status_code=422
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 405:  # every method of the path, not only the one route's
            headers["Allow"] = ", ".join(_methods_of(request))
        return JSONResponse(
            {"error": str(exc.detail), "code": code},
            status_code=exc.status_code,
            headers=headers,
        )


RouteEntry = tuple[re.Pattern[str], frozenset[str], str, bool]
"""(path regex, methods, path template, whether it needs If-Match)."""


def route_table(app: Any) -> list[RouteEntry]:
    """Every route of ``app``, included routers flattened; built once per app."""
    table: list[RouteEntry] | None = getattr(app.state, "route_table", None)
    if table is None:
        table = []

        def walk(routes: Any) -> None:
            for route in routes:
                inner = getattr(route, "original_router", None)
                if inner is not None:
                    walk(inner.routes)
                elif getattr(route, "path_regex", None) is not None:
                    methods = frozenset(getattr(route, "methods", None) or ())
                    dependant = getattr(route, "dependant", None)
                    headers = getattr(dependant, "header_params", ())
                    if_match = any(h.alias.lower() == "if-match" for h in headers)
                    table.append((route.path_regex, methods, route.path, if_match))

        walk(app.router.routes)
        app.state.route_table = table
    return table


def _methods_of(request: Request) -> list[str]:
    """The methods of every route whose path matches the request's path."""
    path = request.url.path
    methods = {m for regex, ms, *_ in route_table(request.app) if regex.match(path) for m in ms}
    return sorted(methods)
