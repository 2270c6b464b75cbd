"""Routes the edge middleware hands their requests to directly: the service's hot path
(``POST /translate``), without FastAPI's routing and dependency machinery.

Why: on a live server, the layers between the edge middleware and the endpoint (exception
middleware, exit stacks, router and included-router matching, ``request_response``, the
request handler and dependency solving) cost about as much Python time per request as the
endpoint itself, more than a fifth of a short sentence's decode (``docs/translate-speed.md``
has the profile and the figures). An endpoint served here takes the ``Request`` only and
calls what would have been its dependencies itself; it stays registered with FastAPI as
usual, so the OpenAPI document, the 405 for other methods and the edge's route table are
unchanged. Its errors go through the app's own exception handlers, as on the normal path:
the same status, body and headers.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

Endpoint = Callable[[Request], Awaitable[Response]]


def direct_app(endpoint: Endpoint) -> ASGIApp:
    """``endpoint`` as an ASGI app for :class:`service.api.edge.EdgeMiddleware`."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive, send)
        try:
            response = await endpoint(request)
        except Exception as exc:
            handler = _handler(scope["app"], exc)
            if handler is None:
                raise  # ServerErrorMiddleware answers 500, as for any route
            answer = handler(request, exc)
            response = await answer if inspect.isawaitable(answer) else answer
        await response(scope, receive, send)

    return app


def _handler(app: Any, exc: Exception) -> Callable[..., Any] | None:
    """The handler the app's exception middleware would pick for ``exc``: by status for an
    HTTP exception, then by the exception's class, most specific first. A handler for 500 or
    ``Exception`` is the server-error middleware's, as in Starlette: left to it."""
    handlers: dict[Any, Callable[..., Any]] = app.exception_handlers
    status = exc.status_code if isinstance(exc, HTTPException) else None
    if status is not None and status != 500 and status in handlers:
        return handlers[status]
    for cls in type(exc).__mro__:
        if cls is Exception:
            return None
        if cls in handlers:
            return handlers[cls]
    return None
