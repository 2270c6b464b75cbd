"""Request body size limits on every route, enforced before a handler reads the body.

A declared ``Content-Length`` over the limit is refused at once (413, nothing read); a body
without one (chunked) is counted as it arrives and refused as soon as it passes the limit, so
no request can make the service buffer more than its route's limit.
"""

from __future__ import annotations

import json

from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyTooLargeError(HTTPException):
    """Raised from ``receive`` (an HTTPException, so that FastAPI's body parsing passes it on
    instead of turning it into a 400)."""

    def __init__(self, detail: str) -> None:
        super().__init__(status_code=413, detail=detail)


class BodyLimitMiddleware:
    """``limits``: (path prefix, bytes, setting name); the first matching prefix wins, other
    paths get ``default`` (setting TRIGLOT_MAX_BODY_BYTES)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        default: int,
        limits: tuple[tuple[str, int, str], ...] = (),
    ) -> None:
        self.app = app
        self.default = default
        self.limits = limits

    def _limit(self, path: str) -> tuple[int, str]:
        for prefix, limit, setting in self.limits:
            if path == prefix or path.startswith(prefix + "/"):
                return limit, setting
        return self.default, "TRIGLOT_MAX_BODY_BYTES"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit, setting = self._limit(scope["path"])
        message = f"request body over the limit of {limit} bytes for {scope['path']} ({setting})"
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None:
            try:
                size = int(declared)
            except ValueError:
                size = -1
            if size < 0:
                await _reply(send, 400, "bad_request", "Content-Length is not a number")
                return
            if size > limit:
                await _reply(send, 413, "too_large", f"{message}: {size} bytes declared")
                return
        received = 0

        async def counted() -> Message:
            nonlocal received
            msg = await receive()
            if msg["type"] == "http.request":
                received += len(msg.get("body", b""))
                if received > limit:
                    raise BodyTooLargeError(message)
            return msg

        await self.app(scope, counted, send)


async def _reply(send: Send, status: int, code: str, error: str) -> None:
    body = json.dumps({"error": error, "code": code}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
