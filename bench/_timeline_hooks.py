"""Timestamps inside a live `triglot serve`, for ``bench/translate_timeline.py`` only.

Imported by a ``sitecustomize`` the bench writes (never by Triglot itself): it wraps, in the
server process, the points a single ``POST /translate`` passes, and writes one line per
answered request to the file named by ``TRIGLOT_TIMELINE`` when the server stops. The clock is
``time.perf_counter_ns`` (CLOCK_MONOTONIC on Linux), the same in the bench's process, so the
bench can add its own send and receive times to each line. One request at a time: the bench
never sends the next before the answer is in.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from typing import Any

_now = time.perf_counter_ns
_rows: list[dict[str, int]] = []
_current: dict[str, int] = {}


def _dump(*_args: object) -> None:
    with open(os.environ["TRIGLOT_TIMELINE"], "w", encoding="utf-8") as out:
        for row in _rows:
            out.write(" ".join(f"{k}={v}" for k, v in row.items()) + "\n")
    os._exit(0)


def install() -> None:
    from service.api import server  # noqa: PLC0415
    from service.mt import argos, batcher  # noqa: PLC0415

    received = server.BoundedHttpProtocol.data_received

    def data_received(self: Any, data: bytes) -> None:
        _current.clear()
        _current["received"] = _now()
        received(self, data)

    enqueue = batcher.Batcher.enqueue

    def enqueue_timed(self: Any, job: Any) -> Any:
        _current["queued"] = _now()
        future = enqueue(self, job)
        _current["decoding"] = _now()
        return future

    start = argos.ArgosEngine._start

    def start_timed(self: Any, *args: Any) -> Callable[[], list[Any]] | None:
        wait = start(self, *args)
        if wait is None:
            return None

        def wait_timed() -> list[Any]:
            results = wait()
            _current["decoded"] = _now()
            return results

        return wait_timed

    finish = argos.ArgosEngine._finish

    def finish_timed(self: Any, *args: Any) -> Any:
        _current["resumed"] = _now()
        return finish(self, *args)

    write = server._HeadWithBody.write

    def write_timed(self: Any, data: bytes) -> None:
        if self._head is not None and "received" in _current:  # the body, with the held head
            _current["sent"] = _now()  # before the system call: the client may run at once
            _rows.append(dict(_current))
        write(self, data)

    server.BoundedHttpProtocol.data_received = data_received  # type: ignore[method-assign]
    batcher.Batcher.enqueue = enqueue_timed  # type: ignore[method-assign]
    argos.ArgosEngine._start = start_timed  # type: ignore[method-assign]
    argos.ArgosEngine._finish = finish_timed  # type: ignore[method-assign]
    server._HeadWithBody.write = write_timed  # type: ignore[method-assign]
    signal.signal(signal.SIGTERM, _dump)
