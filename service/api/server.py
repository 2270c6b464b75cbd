"""The HTTP protocol ``triglot serve`` runs: uvicorn's httptools protocol with the bounds it
lacks on slow or oversized clients.

uvicorn bounds an idle keep-alive connection (``timeout_keep_alive``) and, with h11 only, the
size of incomplete headers; with httptools (the fast parser) neither the header size nor the
time a client takes to send a request is bounded, so one client sending a byte every few
seconds holds a connection for ever, and a 64 MB header is buffered whole. This subclass
counts the bytes of the request line and headers (431 past ``max_header_bytes``), and gives a
client ``header_timeout`` seconds to send them and ``body_timeout`` more for the body (408
after, and the connection is closed; a route waiting for the body sees a disconnect).
"""

from __future__ import annotations

import asyncio
import logging
from functools import lru_cache
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

log = logging.getLogger(__name__)


def _answer(status: int, reason: str, message: str) -> bytes:
    code = reason.lower().replace(" ", "_")
    body = f'{{"error": "{message}", "code": "{code}"}}'.encode()
    return (
        f"HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
    ).encode() + body


class BoundedHttpProtocol(HttpToolsProtocol):
    """Set the class attributes with :func:`bounded_protocol`."""

    max_header_bytes = 65_536
    header_timeout = 10.0
    body_timeout = 60.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._in_head = True
        self._head_bytes = 0
        self._deadline: asyncio.TimerHandle | None = None

    def _arm(self, seconds: float, what: str) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(seconds, self._expire, what)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expire(self, what: str) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        log.info("closing a connection: %s not received in time", what)
        cycle = self.cycle
        if cycle is None or not cycle.response_started:
            self.transport.write(
                _answer(408, "Request Timeout", f"{what} not received in time: too slow")
            )
        if cycle is not None and not cycle.response_complete:
            cycle.disconnected = True
            cycle.message_event.set()
        self.transport.close()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm(self.header_timeout, "request headers")  # a silent client too

    def data_received(self, data: bytes) -> None:
        if self._in_head:
            if self._head_bytes == 0 and self._deadline is None:
                self._arm(self.header_timeout, "request headers")
            self._head_bytes += len(data)
        super().data_received(data)
        if self._in_head and self._head_bytes > self.max_header_bytes:
            self._disarm()
            if not self.transport.is_closing():
                log.info("closing a connection: headers over %d bytes", self.max_header_bytes)
                self.transport.write(
                    _answer(
                        431,
                        "Request Header Fields Too Large",
                        f"request line and headers over {self.max_header_bytes} bytes "
                        "(TRIGLOT_MAX_HEADER_BYTES)",
                    )
                )
                self.transport.close()

    def on_headers_complete(self) -> None:
        self._in_head = False
        self._arm(self.body_timeout, "request body")
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._disarm()
        self._in_head = True
        self._head_bytes = 0
        super().on_message_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)


def bounded_protocol(
    *, max_header_bytes: int, header_timeout: float, body_timeout: float
) -> type[BoundedHttpProtocol]:
    """A :class:`BoundedHttpProtocol` class with these bounds (for ``uvicorn.run(http=...)``)."""
    return type(
        "TriglotHttpProtocol",
        (BoundedHttpProtocol,),
        {
            "max_header_bytes": max_header_bytes,
            "header_timeout": header_timeout,
            "body_timeout": body_timeout,
        },
    )


class EnvBoundedHttpProtocol(BoundedHttpProtocol):
    """The bounds of the ``TRIGLOT_*`` environment, read once per process: for
    ``triglot serve --workers N``, whose worker processes get the protocol class by reference
    (a class made by :func:`bounded_protocol` cannot be sent to another process)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.max_header_bytes, self.header_timeout, self.body_timeout = _env_bounds()
        super().__init__(*args, **kwargs)


@lru_cache(maxsize=1)
def _env_bounds() -> tuple[int, float, float]:
    from service.settings import Settings  # noqa: PLC0415

    settings = Settings()
    return settings.max_header_bytes, settings.header_timeout, settings.body_timeout
