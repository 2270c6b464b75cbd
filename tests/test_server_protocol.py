"""The HTTP protocol `triglot serve` runs (``service.api.server``), issue 15: a response's head
goes out with its body in one write, and a request learns that its client is gone from the
protocol (no watcher task per request).

The adaptor is unit-tested with a transport that records its calls; the live tests send raw
HTTP to a real `triglot serve`."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from pathlib import Path
from typing import Any

import pytest

from service.api.server import Disconnect, _HeadWithBody
from service.mt.packages import install_file
from tests.conftest import ROOT, live_server

FR_EN = ROOT / "tests" / "fixtures" / "models" / "fr_en.argosmodel"


class Transport:
    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []
        self.closing = False

    def write(self, data: bytes) -> None:
        self.calls.append(("write", data))

    def writelines(self, parts: tuple[bytes, ...]) -> None:
        self.calls.append(("writelines", list(parts)))

    def is_closing(self) -> bool:
        return self.closing

    def close(self) -> None:
        self.closing = True
        self.calls.append(("close", None))

    def get_extra_info(self, name: str) -> str:
        return f"info {name}"


class Cycle:
    response_started = False


def _adaptor() -> tuple[_HeadWithBody, Transport, Cycle, asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    transport, cycle = Transport(), Cycle()
    return _HeadWithBody(transport, cycle, loop), transport, cycle, loop  # type: ignore[arg-type]


def _turn(loop: asyncio.AbstractEventLoop) -> None:
    loop.run_until_complete(asyncio.sleep(0))


def test_head_and_first_body_part_go_out_in_one_write() -> None:
    adaptor, transport, cycle, loop = _adaptor()
    try:
        adaptor.write(b"HTTP/1.1 100 Continue\r\n\r\n")  # before the response: at once
        assert transport.calls == [("write", b"HTTP/1.1 100 Continue\r\n\r\n")]
        cycle.response_started = True
        adaptor.write(b"HEAD")
        assert len(transport.calls) == 1  # held back
        adaptor.write(b"BODY1")
        adaptor.write(b"BODY2")
        _turn(loop)  # the held head was sent with the body: nothing left to flush
        assert transport.calls[1:] == [("writelines", [b"HEAD", b"BODY1"]), ("write", b"BODY2")]
        assert adaptor.get_extra_info("peername") == "info peername"  # the rest: passed on
    finally:
        loop.close()


def test_a_head_without_a_body_yet_goes_out_on_the_next_turn_of_the_loop() -> None:
    adaptor, transport, cycle, loop = _adaptor()
    try:
        cycle.response_started = True
        adaptor.write(b"HEAD")
        assert transport.calls == []
        _turn(loop)
        assert transport.calls == [("write", b"HEAD")]
        adaptor.write(b"later")
        assert transport.calls[-1] == ("write", b"later")
    finally:
        loop.close()


def test_close_sends_a_held_head_first_and_a_closed_transport_gets_nothing() -> None:
    adaptor, transport, cycle, loop = _adaptor()
    try:
        cycle.response_started = True
        adaptor.write(b"HEAD")
        adaptor.close()
        assert transport.calls == [("write", b"HEAD"), ("close", None)]
        _turn(loop)
        assert len(transport.calls) == 2
    finally:
        loop.close()
    adaptor, transport, cycle, loop = _adaptor()
    try:
        cycle.response_started = True
        adaptor.write(b"HEAD")
        transport.closing = True  # the client went away meanwhile
        _turn(loop)
        assert transport.calls == []
    finally:
        loop.close()


def test_disconnect_calls_back_once() -> None:
    gone = Disconnect()
    calls: list[str] = []
    gone.add(lambda: calls.append("a"))
    kept = lambda: calls.append("b")  # noqa: E731
    gone.add(kept)
    gone.discard(kept)
    gone.discard(kept)  # twice: no error
    gone.fire()
    gone.fire()
    assert calls == ["a"]


def _connect(base: str) -> socket.socket:
    host, port = base.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=10)


def _read_response(sock: socket.socket) -> tuple[bytes, bytes]:
    """One response (head, body) from a kept-alive connection (Content-Length bodies)."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":")[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        body += sock.recv(65536)
    return head, body


@pytest.mark.slow
def test_responses_are_whole_with_100_continue_head_and_keep_alive(tmp_path: Path) -> None:
    data = tmp_path / "data"
    install_file(FR_EN, data / "packages")
    with live_server(data) as (base, log):
        sock = _connect(base)
        body = json.dumps({"q": "Bonjour.", "source": "fr", "target": "en"}).encode()
        sock.sendall(
            b"POST /translate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Expect: 100-continue\r\n" + f"Content-Length: {len(body)}\r\n\r\n".encode()
        )
        interim = sock.recv(65536)
        assert interim == b"HTTP/1.1 100 Continue\r\n\r\n"  # not held back for a body
        sock.sendall(body)
        head, answer = _read_response(sock)
        assert head.startswith(b"HTTP/1.1 200")
        assert json.loads(answer)["translatedText"] == "Bonjour."
        for _ in range(3):  # the same connection, kept alive: each response whole
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            head, answer = _read_response(sock)
            assert head.startswith(b"HTTP/1.1 200")
            assert json.loads(answer)["status"] == "ok"
        sock.sendall(b"HEAD /health HTTP/1.1\r\nHost: x\r\n\r\n")
        data_ = b""
        while b"\r\n\r\n" not in data_:
            data_ += sock.recv(65536)
        assert data_.startswith(b"HTTP/1.1 405")  # GET only
        assert data_.endswith(b"\r\n\r\n")  # a head, whole, and no body
        sock.close()
        assert "Traceback" not in log.read_text()


@pytest.mark.slow
def test_a_client_gone_during_a_long_translation_cancels_it(tmp_path: Path) -> None:
    data = tmp_path / "data"
    install_file(FR_EN, data / "packages")
    env = {"TRIGLOT_LOG_LEVEL": "INFO", "TRIGLOT_TRANSLATE_MAX_CHARS": "200000"}
    with live_server(data, env=env) as (base, log):
        text = " ".join(f"Le ministre a reçu {i} délégués à Hanoï." for i in range(15))
        body = json.dumps(
            {
                "q": [text] * 100,  # 1,500 sentences: over a second of decoding
                "source": "fr",
                "target": "en",
            }
        ).encode()
        sock = _connect(base)
        sock.sendall(
            b"POST /translate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        time.sleep(0.3)  # being translated, in chunks
        sock.close()
        deadline = time.monotonic() + 10
        while "client gone: POST /translate cancelled" not in log.read_text():
            assert time.monotonic() < deadline, log.read_text()[-2000:]
            time.sleep(0.1)
        sock = _connect(base)
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        head, _answer = _read_response(sock)
        assert head.startswith(b"HTTP/1.1 200")
        sock.close()
        assert "Traceback" not in log.read_text()


def test_the_edge_cancels_a_route_when_the_protocol_says_its_client_is_gone() -> None:
    """Without a watcher: nothing reads ``receive`` (it would wait for ever here); the
    protocol's call back alone cancels the route, and the request ends quietly."""
    from service.api.edge import _run_until_gone  # noqa: PLC0415

    seen: list[str] = []

    async def route(_scope: Any, _receive: Any, _send: Any) -> None:
        try:
            await asyncio.Event().wait()  # a decode that takes for ever
        except asyncio.CancelledError:
            seen.append("cancelled")
            raise

    async def never() -> Any:
        await asyncio.Event().wait()

    async def send(_message: Any) -> None:
        seen.append("sent")

    async def main() -> None:
        gone = Disconnect()
        scope = {"method": "POST", "path": "/translate"}
        loop = asyncio.get_running_loop()
        loop.call_later(0.05, gone.fire)
        began = loop.time()
        await asyncio.wait_for(_run_until_gone(route, scope, never, send, gone), 5)
        assert loop.time() - began < 1  # ended by the call back, not by the time limit
        assert not gone._callbacks  # the request left nothing behind
        assert asyncio.current_task().cancelling() == 0  # type: ignore[union-attr]

    asyncio.run(main())
    assert seen == ["cancelled"]


def test_a_shutdown_cancel_passes_through_the_edge() -> None:
    from service.api.edge import _run_until_gone  # noqa: PLC0415

    async def route(_scope: Any, _receive: Any, _send: Any) -> None:
        await asyncio.Event().wait()

    async def never() -> Any:
        await asyncio.Event().wait()

    async def main() -> None:
        gone = Disconnect()
        scope = {"method": "POST", "path": "/translate"}
        request = asyncio.ensure_future(_run_until_gone(route, scope, never, never, gone))
        await asyncio.sleep(0.01)
        request.cancel()  # the server stops: not the client's doing
        with pytest.raises(asyncio.CancelledError):
            await request
        assert not gone._callbacks

    asyncio.run(main())


def test_under_another_server_a_watcher_cancels_the_route_on_http_disconnect() -> None:
    """The fallback where the scope has no :class:`Disconnect` (another ASGI server): the
    edge reads ``http.disconnect`` from ``receive`` once the body is read."""
    from service.api.edge import _run_cancellable  # noqa: PLC0415

    seen: list[str] = []

    async def route(_scope: Any, _receive: Any, _send: Any) -> None:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            seen.append("cancelled")
            raise

    async def disconnect_soon() -> Any:
        await asyncio.sleep(0.05)
        return {"type": "http.disconnect"}

    async def send(_message: Any) -> None:
        seen.append("sent")

    async def main() -> None:
        scope = {"method": "POST", "path": "/translate"}
        loop = asyncio.get_running_loop()
        began = loop.time()
        run = _run_cancellable(route, scope, disconnect_soon, send, disconnect_soon, body_read=True)
        await asyncio.wait_for(run, 5)
        assert loop.time() - began < 1

    asyncio.run(main())
    assert seen == ["cancelled"]
