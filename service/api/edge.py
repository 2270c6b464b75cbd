"""The edge of every request, one pure ASGI middleware (no BaseHTTPMiddleware, no thread hop),
in this order:

1. path and query parameters pass the text check (no NUL or control characters reach a
   route, a query or the database);
2. the body's declared size is within its route's limit (413 before anything is read);
3. the access check (``service.api.access.authorize``): credentials, then the request limit,
   before any body problem is reported (a request without a key gets 401, not 400);
4. a JSON body is parsed once by ``service.api.jsonbody`` (depth, numbers, text check) and the
   result shared with the route;
5. the route runs; a POST whose client disconnects is cancelled (its queued decoding is
   dropped) without a traceback in the log.

A body without ``Content-Length`` (chunked) is counted as it arrives and refused as soon as it
passes the limit, so no request can make the service buffer more than its route's limit.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterator, Mapping
from urllib.parse import parse_qsl

from fastapi import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.api.access import Credentials, authorize
from service.api.handlers import error_parts, route_table
from service.api.jsonbody import cache_json, parse_json
from service.api.server import DISCONNECT, Disconnect
from service.errors import BadInputError, ServiceError, TooLargeError
from service.textcheck import text_problem

log = logging.getLogger(__name__)

PARAM_KEY_ROUTES = frozenset({"/translate", "/detect", "/translate_file", "/suggest"})
"""LibreTranslate's routes: their errors are 400s, and they may carry ``api_key``."""

_STATE_KEY = "triglot_key"
_STATE_CLIENT = "triglot_client"
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class BodyTooLargeError(HTTPException):
    """Raised from ``receive`` (an HTTPException, so that FastAPI's body parsing passes it on
    instead of turning it into a 400)."""

    def __init__(self, detail: str) -> None:
        super().__init__(status_code=413, detail=detail)


class BadRequestError(ServiceError):
    status = 400
    code = "bad_request"


class PreconditionRequiredError(ServiceError):
    """A change sent without If-Match (RFC 6585): a stale one is 412."""

    status = 428
    code = "if_match_required"


class _GoneError(Exception):
    """The client went away while its body was being read."""


class EdgeMiddleware:
    """``limits``: (path prefix, bytes, setting name); the first matching prefix wins, other
    paths get ``default`` (setting TRIGLOT_MAX_BODY_BYTES). ``direct``: (method, path) ->
    the app that serves it once the checks pass, instead of the router
    (:mod:`service.api.direct`)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        default: int,
        limits: tuple[tuple[str, int, str], ...] = (),
        direct: Mapping[tuple[str, str], ASGIApp] | None = None,
    ) -> None:
        self.app = app
        self.direct = dict(direct or {})
        self.default = default
        self.limits = limits
        self._templates: dict[tuple[str, str], str | None] = {}
        self._if_match: set[tuple[str, str]] = set()

    def _limit(self, path: str) -> tuple[int, str]:
        for prefix, limit, setting in self.limits:
            if path == prefix or path.startswith(prefix + "/"):
                return limit, setting
        return self.default, "TRIGLOT_MAX_BODY_BYTES"

    def _template(self, scope: Scope) -> str | None:
        """The path template of the route this request goes to (None: no route)."""
        cache_key = (scope["method"], scope["path"])
        found = self._templates.get(cache_key, "")
        if found != "":
            return found
        template = None
        method, path = cache_key
        for regex, methods, route_path, if_match in route_table(scope["app"]):
            if method in methods and regex.match(path):
                template = route_path
                if if_match:
                    self._if_match.add((method, route_path))
                break
        if len(self._templates) < 10_000 and (template is None or "{" not in template):
            self._templates[cache_key] = template  # fixed paths only: ids would fill it
        return template

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        lt_route = path in PARAM_KEY_ROUTES
        limit, setting = self._limit(path)
        body: bytes | None = None
        headers: dict[bytes, bytes] = {}
        for name, value in scope["headers"]:
            if name in (b"authorization", b"x-api-key", b"content-type", b"content-length"):
                headers[name] = value
        services = scope["app"].state.services
        settings = services.settings
        try:
            _check_url(scope)
            declared = headers.get(b"content-length")
            if declared is not None:
                size = int(declared) if declared.isdigit() else -1
                if size < 0:
                    raise BadRequestError("Content-Length is not a number")
                if size > limit:
                    raise TooLargeError(
                        f"request body over the limit of {limit} bytes for {path} ({setting}): "
                        f"{size} bytes declared"
                    )
            media = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
            method = scope["method"]
            template = self._template(scope)
            param: object = None
            if settings.api_keys and lt_route and method == "POST":
                body = await _read(receive, limit, path, setting)
                param = await _api_key_param(scope, media, body)
            client = scope.get("client")
            grant = None
            if template is not None:
                grant = authorize(
                    settings,
                    services.keys,
                    services.limiter,
                    method=method,
                    path=template,
                    credentials=Credentials(
                        authorization=_text(headers.get(b"authorization")),
                        header=_text(headers.get(b"x-api-key")),
                        param=param,
                    ),
                    address=client[0] if client else "unknown",
                )
            if (method, template) in self._if_match and not any(
                name == b"if-match" for name, _v in scope["headers"]
            ):
                raise PreconditionRequiredError(
                    f"{method} {template} needs If-Match: the version the change is based on, "
                    'e.g. If-Match: "v3" (GET the glossary for its ETag)'
                )
            state = scope.setdefault("state", {})
            state[_STATE_KEY] = grant.key if grant is not None else None
            state["api_key"] = state[_STATE_KEY]  # who the caller is, for the pages (service.web)
            state[_STATE_CLIENT] = (
                grant.client if grant is not None else f"address {client[0] if client else '?'}"
            )
            json_media = media == b"application/json" or media.endswith(b"+json")
            if method in _BODY_METHODS and json_media:
                if body is None:
                    body = await _read(receive, limit, path, setting)
                if body.strip():
                    cache_json(scope, parse_json(body))
        except _GoneError:
            return
        except ServiceError as exc:
            if lt_route and isinstance(exc, BadInputError) and exc.status == 422:
                exc = BadRequestError(str(exc))  # LibreTranslate answers 400
            await _reply(send, exc)
            return

        if grant is not None and grant.limit:
            limit_headers = [
                (b"x-ratelimit-limit", str(grant.limit).encode()),
                (b"x-ratelimit-remaining", str(grant.remaining).encode()),
            ]

            async def send_limits(message: Message) -> None:
                if message["type"] == "http.response.start":
                    message["headers"] = [*message.get("headers", ()), *limit_headers]
                await send(message)

            downstream_send: Send = send_limits
        else:
            downstream_send = send
        downstream_receive = (
            _replay(body, receive)
            if body is not None
            else _counted(
                receive,
                limit,
                f"request body over the limit of {limit} bytes for {path} ({setting})",
            )
        )
        app = self.direct.get((scope["method"], path), self.app)
        if scope["method"] != "POST":
            await app(scope, downstream_receive, downstream_send)
            return
        gone = scope.get("extensions", {}).get(DISCONNECT)
        if isinstance(gone, Disconnect):  # our own protocol says when the client goes
            await _run_until_gone(app, scope, downstream_receive, downstream_send, gone)
            return
        await _run_cancellable(app, scope, downstream_receive, downstream_send, receive,
                               body_read=body is not None)  # fmt: skip


def _text(value: bytes | None) -> str | None:
    return None if value is None else value.decode("latin-1")


def _check_url(scope: Scope) -> None:
    """The path and the query parameters pass the text check (percent-decoded)."""
    raw_path: bytes = scope.get("raw_path") or b""
    if b"%" in raw_path or not raw_path:
        problem = text_problem(scope["path"], "path")
        if problem:
            raise BadInputError(problem)
    query: bytes = scope.get("query_string", b"")
    if b"%" in query:
        try:
            pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True, errors="strict")
        except UnicodeDecodeError:
            raise BadInputError("query string: not UTF-8") from None
        for name, value in pairs:
            problem = text_problem(name, "query parameter name") or text_problem(
                value, f"query parameter {name}"
            )
            if problem:
                raise BadInputError(problem)


async def _read(receive: Receive, limit: int, path: str, setting: str) -> bytes:
    """The whole body, at most ``limit`` bytes (413 past it)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise _GoneError
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise TooLargeError(
                f"request body over the limit of {limit} bytes for {path} ({setting})"
            )
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


async def _api_key_param(scope: Scope, media: bytes, body: bytes) -> object:
    """The ``api_key`` parameter of a /translate or /detect request, if there is one; a body
    that cannot be read has none (the route reports the body's problem later)."""
    if media == b"application/json":
        try:
            value = parse_json(body) if body.strip() else {}
        except ServiceError:
            return None
        cache_json(scope, value)
        return value.get("api_key") if isinstance(value, dict) else None
    if media == b"application/x-www-form-urlencoded":
        try:
            return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True)).get("api_key")
        except UnicodeDecodeError:
            return None
    if media == b"multipart/form-data":
        request = Request(scope, _replay(body, _no_more))
        try:
            async with request.form() as form:
                value = form.get("api_key")
                return value if isinstance(value, str) else None
        except Exception:
            return None
    params = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
    return params.get("api_key")


async def _no_more() -> Message:
    return {"type": "http.disconnect"}


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that hands out ``body`` once, then waits on the real one (disconnects)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _counted(receive: Receive, limit: int, message: str) -> Receive:
    received = 0

    async def counted() -> Message:
        nonlocal received
        msg = await receive()
        if msg["type"] == "http.request":
            received += len(msg.get("body", b""))
            if received > limit:
                raise BodyTooLargeError(message)
        return msg

    return counted


@contextlib.contextmanager
def _quiet_when_gone(scope: Scope, cancelled_for_client: Callable[[], bool]) -> Iterator[None]:
    """End a request whose client went away quietly (logged at INFO): the route cancelled
    because of it (``cancelled_for_client()`` says so) or its body cut short. Any other
    cancellation (the server shutting down) passes on."""
    try:
        yield
    except asyncio.CancelledError:
        if not cancelled_for_client():
            raise
        log.info("client gone: %s %s cancelled", scope["method"], scope["path"])
    except ClientDisconnect:
        log.info("client gone: %s %s", scope["method"], scope["path"])


async def _run_until_gone(
    app: ASGIApp, scope: Scope, receive: Receive, send: Send, gone: Disconnect
) -> None:
    """Run the route in this task; if the connection is lost before the answer is complete
    (``service.api.server`` calls ``gone`` back), cancel it (pending decodes are dropped by
    the batcher) and return quietly. What :func:`_run_cancellable` does without a task and a
    watcher per request."""
    task = asyncio.current_task()
    lost = False

    def cancel() -> None:
        nonlocal lost
        lost = True
        if task is not None:
            task.cancel()

    def ours() -> bool:
        if not lost or task is None:
            return False
        task.uncancel()  # the cancel was for the route: this task goes on and returns
        return True

    gone.add(cancel)
    try:
        with _quiet_when_gone(scope, ours):
            await app(scope, receive, send)
    finally:
        gone.discard(cancel)


async def _run_cancellable(
    app: ASGIApp,
    scope: Scope,
    receive: Receive,
    send: Send,
    original_receive: Receive,
    *,
    body_read: bool,
) -> None:
    """Run the route; if the client disconnects before the answer is complete, cancel it
    (pending decodes are dropped by the batcher) and return quietly."""
    done = False
    body_done = asyncio.Event()
    if body_read:
        body_done.set()
        inner_receive = receive
    else:

        async def inner_receive() -> Message:
            message = await receive()
            if message["type"] != "http.request" or not message.get("more_body", False):
                body_done.set()
            return message

    async def tracking_send(message: Message) -> None:
        nonlocal done
        if message["type"] == "http.response.body" and not message.get("more_body", False):
            done = True
        await send(message)

    task = asyncio.ensure_future(app(scope, inner_receive, tracking_send))

    gone = False

    async def watch() -> None:
        nonlocal gone
        await body_done.wait()
        message = await original_receive()
        if message["type"] == "http.disconnect" and not done and not task.done():
            gone = True
            task.cancel()

    watcher = asyncio.ensure_future(watch())
    try:
        with _quiet_when_gone(scope, lambda: gone):
            await task
    finally:
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher


async def _reply(send: Send, exc: ServiceError) -> None:
    status, headers, body = error_parts(exc)
    raw: list[tuple[bytes, bytes]] = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    raw += [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    if status == 413 or "Content-Length" in str(exc):
        raw.append((b"connection", b"close"))  # the rest of the body is not read
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})
