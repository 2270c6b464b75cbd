"""The HTTP protocol ``triglot serve`` runs: uvicorn's httptools protocol with the bounds it
lacks on slow or oversized clients.

uvicorn bounds an idle keep-alive connection (``timeout_keep_alive``) and, with h11 only, the
size of incomplete headers; with httptools (the fast parser) neither the header size nor the
time a client takes to send a request is bounded, so one client sending a byte every few
seconds holds a connection for ever, and a 64 MB header is buffered whole. This subclass
counts the bytes of the request line and headers (431 past ``max_header_bytes``), and gives a
client ``header_timeout`` seconds to send them and ``body_timeout`` more for the body (408
after, and the connection is closed; a route waiting for the body sees a disconnect).

It also sends a response's head and the first part of its body in one write: uvicorn writes
the status line and headers as soon as the app sends ``http.response.start``, then the body,
two ``send`` calls on the socket, and the client is woken twice for one short answer (see
:class:`_HeadWithBody`). And it tells a request that its client is gone, through
:class:`Disconnect` in the request's scope, so the edge can cancel work nobody will read
without a watcher task per request.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
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


DISCONNECT = "triglot.disconnect"
"""The key of a request's :class:`Disconnect` in its scope's ``extensions``."""


class Disconnect:
    """Called back when the connection of a request whose response is not complete is lost
    (the client went away). Set by :class:`BoundedHttpProtocol`; under another server the
    scope has none and the edge watches ``receive`` instead."""

    __slots__ = ("_callbacks",)

    def __init__(self) -> None:
        self._callbacks: list[Callable[[], None]] = []

    def add(self, callback: Callable[[], None]) -> None:
        self._callbacks.append(callback)

    def discard(self, callback: Callable[[], None]) -> None:
        if callback in self._callbacks:
            self._callbacks.remove(callback)

    def fire(self) -> None:
        callbacks, self._callbacks = self._callbacks, []
        for callback in callbacks:
            callback()


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
        extensions: dict[str, Any] = self.scope.setdefault("extensions", {})
        extensions[DISCONNECT] = Disconnect()
        super().on_headers_complete()
        cycle = self.cycle
        if cycle is not None:
            cycle.transport = _HeadWithBody(self.transport, cycle, self.loop)  # type: ignore[assignment]

    def on_message_complete(self) -> None:
        self._disarm()
        self._in_head = True
        self._head_bytes = 0
        super().on_message_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        cycle = self.cycle
        super().connection_lost(exc)
        if cycle is not None and not cycle.response_complete:
            gone = cycle.scope.get("extensions", {}).get(DISCONNECT)
            if isinstance(gone, Disconnect):
                gone.fire()


class _HeadWithBody:
    """The transport as one response's cycle sees it: the response head is held back until
    the first write of the body, and both go to the socket in one ``writelines`` (one system
    call, one wake-up of the client). A head whose body is not written in the same turn of
    the event loop (a stream that is slow to begin) is sent on the next turn: nothing waits
    longer than that. Everything else goes straight to the transport."""

    def __init__(self, transport: asyncio.Transport, cycle: Any, loop: Any) -> None:
        self._transport = transport
        self._cycle = cycle
        self._loop = loop
        self._head: bytes | None = None
        self._head_seen = False

    def write(self, data: bytes) -> None:
        if not self._head_seen and self._cycle.response_started:
            self._head_seen = True  # the first write once the response has started: its head
            self._head = data
            self._loop.call_soon(self._flush)
            return
        head, self._head = self._head, None
        if head is None:
            self._transport.write(data)
        else:
            self._transport.writelines((head, data))

    def _flush(self) -> None:
        head, self._head = self._head, None
        if head is not None and not self._transport.is_closing():
            self._transport.write(head)

    def close(self) -> None:
        self._flush()
        self._transport.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


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
