"""Slow, oversized and vanishing clients against a live `triglot serve`, forwarded headers,
and the privacy of the data folder (issue 14, items 3 and 4)."""

from __future__ import annotations

import json
import os
import socket
import stat
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.api.app import create_app
from service.mt.packages import install_file
from service.settings import Settings
from tests.conftest import ROOT, live_server

FR_EN = ROOT / "tests" / "fixtures" / "models" / "fr_en.argosmodel"


def _connect(base: str) -> socket.socket:
    host, port = base.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=10)


def _answer(sock: socket.socket, timeout: float = 10) -> tuple[bytes, float]:
    """What the server sends until it closes, and how long that took."""
    start = time.monotonic()
    sock.settimeout(timeout)
    data = b""
    try:
        while chunk := sock.recv(65536):
            data += chunk
    except (ConnectionResetError, TimeoutError):
        pass
    return data, time.monotonic() - start


@pytest.mark.slow
def test_slow_silent_and_oversized_clients_are_cut_off(tmp_path: Path) -> None:
    env = {"TRIGLOT_HEADER_TIMEOUT": "1", "TRIGLOT_BODY_TIMEOUT": "2"}
    with live_server(tmp_path / "data", env=env) as (base, log):
        # a 200 KB header: 431 as soon as 64 KB are in, not buffered whole
        sock = _connect(base)
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ")
        try:  # the server may close while we are still sending
            for _ in range(400):
                sock.sendall(b"a" * 512)
        except OSError:
            pass
        data, _took = _answer(sock)
        sock.close()
        assert data.startswith(b"HTTP/1.1 431"), data[:200]
        assert b"TRIGLOT_MAX_HEADER_BYTES" in data

        # headers one byte at a time, slower than the header timeout allows
        sock = _connect(base)
        start = time.monotonic()
        closed = False
        for byte in b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n":
            try:
                sock.sendall(bytes([byte]))
            except OSError:
                closed = True
                break
            time.sleep(0.2)
            if time.monotonic() - start > 4:
                break
        data, _took = _answer(sock)
        sock.close()
        assert closed or data.startswith(b"HTTP/1.1 408"), data[:200]
        assert time.monotonic() - start < 4

        # a silent connection is closed after the header timeout
        sock = _connect(base)
        data, took = _answer(sock)
        sock.close()
        assert took < 3
        assert data.startswith(b"HTTP/1.1 408")

        # a body trickled in: 408 once the body timeout has passed
        sock = _connect(base)
        sock.sendall(
            b"POST /detect HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 200\r\n\r\n{"
        )
        start = time.monotonic()
        try:
            for _ in range(30):
                time.sleep(0.2)
                sock.sendall(b" ")
        except OSError:
            pass
        data, _took = _answer(sock)
        sock.close()
        assert time.monotonic() - start < 5
        assert data.startswith(b"HTTP/1.1 408"), data[:200]

        with urllib.request.urlopen(f"{base}/health", timeout=5) as res:
            assert json.load(res)["status"] == "ok"
        assert "Traceback" not in log.read_text()


@pytest.mark.slow
def test_a_client_that_disconnects_leaves_no_traceback(tmp_path: Path) -> None:
    data = tmp_path / "data"
    install_file(FR_EN, data / "packages")
    with live_server(data) as (base, log):
        body = json.dumps(
            {
                "q": [f"le ministre a reçu {i} délégués à Hanoï" for i in range(100)],
                "source": "fr",
                "target": "en",
            }
        ).encode()
        for _ in range(4):  # gone while its body is read, and while it is translated
            sock = _connect(base)
            sock.sendall(
                b"POST /translate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + f"Content-Length: {len(body)}\r\n\r\n".encode()
                + body[: len(body) // 2]
            )
            sock.close()
            sock = _connect(base)
            sock.sendall(
                b"POST /translate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + f"Content-Length: {len(body)}\r\n\r\n".encode()
                + body
            )
            time.sleep(0.05)
            sock.close()
        time.sleep(1)
        req = urllib.request.Request(
            f"{base}/translate",
            data=json.dumps({"q": "Bonjour.", "source": "fr", "target": "en"}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=30) as res:
            assert json.load(res)["translatedText"] == "Bonjour."
        text = log.read_text()
        assert "Traceback" not in text, text[-3000:]
        assert "Exception in ASGI" not in text


def _status(url: str, headers: dict[str, str]) -> int:
    req = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as res:
            return int(res.status)
    except urllib.error.HTTPError as exc:
        exc.close()
        return int(exc.code)


@pytest.mark.slow
@pytest.mark.parametrize("trusted", [False, True], ids=["default", "proxy-configured"])
def test_forwarded_for_counts_only_from_configured_proxies(tmp_path: Path, trusted: bool) -> None:
    """By default a client on loopback cannot get a fresh rate-limit bucket by sending a new
    X-Forwarded-For each time; with TRIGLOT_FORWARDED_ALLOW_IPS naming the proxy it can
    (the proxy is then the one that must set the header)."""
    env = {"TRIGLOT_RATE_LIMIT": "2"}
    if trusted:
        env["TRIGLOT_FORWARDED_ALLOW_IPS"] = "127.0.0.1"
    with live_server(tmp_path / "data", env=env) as (base, _log):
        codes = [
            _status(f"{base}/documents", {"X-Forwarded-For": f"203.0.113.{i}"}) for i in range(4)
        ]
    assert codes == ([200] * 4 if trusted else [200, 200, 429, 429])


def test_data_folder_and_database_are_private(tmp_path: Path) -> None:
    data = tmp_path / "data"
    old = os.umask(0o022)
    try:
        with TestClient(create_app(Settings(data_dir=data))) as client:
            assert client.get("/health").status_code == 200
    finally:
        os.umask(old)
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    for name in ("triglot.db", "triglot.db-wal", "triglot.db-shm"):
        if (data / name).exists():
            assert stat.S_IMODE((data / name).stat().st_mode) == 0o600, name
    (data / "triglot.db").chmod(0o644)  # an older install: tightened at the next start
    data.chmod(0o755)
    with TestClient(create_app(Settings(data_dir=data))) as client:
        assert client.get("/health").status_code == 200
    assert stat.S_IMODE((data / "triglot.db").stat().st_mode) == 0o600
    assert stat.S_IMODE(data.stat().st_mode) == 0o700


def _recording_decoder() -> tuple[list[list[str]], threading.Event, Any]:
    """A decode function for the batcher that waits for ``gate`` and records each batch."""
    calls: list[list[str]] = []
    gate = threading.Event()

    def decode(batch: list[list[str]], _prefixes: object, _n: int) -> list[object]:
        gate.wait(5)
        calls.append([t[0] for t in batch])
        return [f"out {t[0]}" for t in batch]

    return calls, gate, decode


def test_a_long_job_is_decoded_in_chunks_and_a_short_one_overtakes_it() -> None:
    """The batcher's fairness, with a decode function that records its batches (a unit test
    of the scheduling; the end-to-end path is exercised by the live-server tests)."""
    from service.mt.batcher import Batcher, DecodeJob  # noqa: PLC0415

    calls, gate, decode = _recording_decoder()
    batcher = Batcher(decode, workers=1, chunk=4, max_batch=8)
    long_job = DecodeJob([[f"l{i}"] for i in range(20)], [None] * 20, 1)
    long_future = batcher.enqueue(long_job)
    short_future = batcher.enqueue(DecodeJob([["s"]], [None], 1))
    gate.set()
    assert short_future.result(5) == ["out s"]
    assert long_future.result(5) == [f"out l{i}" for i in range(20)]
    assert max(len(c) for c in calls) <= 8
    assert next(i for i, c in enumerate(calls) if "s" in c) < len(calls) - 1  # overtook it

    calls.clear()
    gate.clear()
    dropped = batcher.enqueue(DecodeJob([[f"d{i}"] for i in range(40)], [None] * 40, 1))
    dropped.cancel()  # the caller went away: its chunks not yet decoded are dropped
    gate.set()
    after = batcher.enqueue(DecodeJob([["x"]], [None], 1))
    assert after.result(5) == ["out x"]
    assert sum(len(c) for c in calls) <= 4 + 1
    batcher.close()


def test_a_round_holds_one_chunk_of_long_jobs_and_every_short_job_waiting() -> None:
    """Several long jobs at once (users translating documents) do not make a round several
    chunks long: a short request waits for one chunk's decode, not for one per long job."""
    from service.mt.batcher import Batcher, DecodeJob  # noqa: PLC0415

    calls, gate, decode = _recording_decoder()
    batcher = Batcher(decode, workers=1, chunk=4, max_batch=32)
    blocker = batcher.enqueue(DecodeJob([["b"]], [None], 1))  # holds the worker
    time.sleep(0.1)
    longs = [
        batcher.enqueue(DecodeJob([[f"{n}{i}"] for i in range(12)], [None] * 12, 1)) for n in "pqr"
    ]
    shorts = [batcher.enqueue(DecodeJob([[f"s{i}"]], [None], 1)) for i in range(3)]
    gate.set()
    assert blocker.result(5) == ["out b"]
    assert [f.result(5) for f in shorts] == [[f"out s{i}"] for i in range(3)]
    for n, future in zip("pqr", longs, strict=True):
        assert future.result(5) == [f"out {n}{i}" for i in range(12)]
    for call in calls:
        owners = {t[0] for t in call if t[0] in "pqr"}
        assert len(owners) <= 1, calls  # one long job's chunk a round at most
    first_round = calls[1]
    assert {"s0", "s1", "s2"} <= set(first_round), calls  # the shorts all in the next round
    batcher.close()


def test_two_workers_finish_many_long_and_short_jobs_gathering_with_short_windows() -> None:
    """Two workers taking from one queue with the gathering window's short timeouts, long jobs'
    chunks put back for the next round: every job finishes (a worker once stayed blocked in a
    timed get while jobs waited, and a test run hung)."""
    from service.mt.batcher import Batcher, DecodeJob  # noqa: PLC0415

    def decode(batch: list[list[str]], _prefixes: object, _n: int) -> list[object]:
        time.sleep(0.0005 * len(batch))
        return [f"out {t[0]}" for t in batch]

    batcher = Batcher(decode, workers=2, chunk=3, max_batch=8, gather=1.0, gather_max_s=0.002)
    try:
        futures = []
        for k in range(60):
            n = 10 if k % 3 == 0 else 1
            futures.append(
                (n, k, batcher.enqueue(DecodeJob([[f"{k}.{i}"] for i in range(n)], [None] * n, 1)))
            )
            time.sleep(0.001)
        for n, k, future in futures:
            assert future.result(10) == [f"out {k}.{i}" for i in range(n)]
    finally:
        batcher.close()
