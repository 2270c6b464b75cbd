"""A lone job on an idle batcher begins its decode on the caller's thread (issue 15: the wake-up
of the worker thread then overlaps the decode); under load, jobs queue and are batched as
before; a ``start`` that cannot begin, or fails, is handled.

The decode functions are stand-ins that record what they are given and on which thread (the
batcher is engine-neutral; the CTranslate2 path is exercised by the live-server tests and
``tests/test_argos_engine.py``)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from service.mt.batcher import Batcher, DecodeJob


def _job(name: str) -> DecodeJob:
    return DecodeJob([[name]], [None], 1)


class Recorder:
    """``decode`` and ``start`` that record their batches and threads; a decode waits for
    ``gate`` (the test opens it) so that the batcher can be held busy."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.gate.set()
        self.decoded: list[tuple[list[str], str]] = []
        self.started: list[tuple[list[str], str]] = []

    def decode(self, batch: list[list[str]], _prefixes: object, _n: int) -> list[Any]:
        self.gate.wait(5)
        self.decoded.append(([t[0] for t in batch], threading.current_thread().name))
        return [f"out {t[0]}" for t in batch]

    def start(
        self, batch: list[list[str]], _prefixes: object, _n: int
    ) -> Callable[[], list[Any]] | None:
        self.started.append(([t[0] for t in batch], threading.current_thread().name))
        done = threading.Event()
        results: list[Any] = []

        def run() -> None:  # "CTranslate2's own thread"
            self.gate.wait(5)
            results.extend(f"out {t[0]}" for t in batch)
            done.set()

        threading.Thread(target=run, daemon=True).start()

        def wait() -> list[Any]:
            done.wait(5)
            return results

        return wait


def test_a_lone_job_on_an_idle_batcher_begins_on_the_callers_thread() -> None:
    rec = Recorder()
    batcher = Batcher(rec.decode, workers=2, start=rec.start)
    try:
        assert batcher.enqueue(_job("a")).result(5) == ["out a"]
        assert rec.started == [(["a"], threading.current_thread().name)]
        assert rec.decoded == []  # the worker only waited for it
        assert batcher.enqueue(_job("b")).result(5) == ["out b"]  # idle again: begun here too
        assert [s[0] for s in rec.started] == [["a"], ["b"]]
    finally:
        batcher.close()


def test_under_load_jobs_queue_and_are_batched_by_a_worker() -> None:
    rec = Recorder()
    batcher = Batcher(rec.decode, workers=1, start=rec.start)
    try:
        rec.gate.clear()
        first = batcher.enqueue(_job("first"))  # begun here, held by the gate
        time.sleep(0.05)
        rest = [batcher.enqueue(_job(name)) for name in ("x", "y")]  # a decode is running
        rec.gate.set()
        assert first.result(5) == ["out first"]
        assert [f.result(5) for f in rest] == [["out x"], ["out y"]]
        assert [s[0] for s in rec.started] == [["first"]]
        assert rec.decoded[0][0] == ["x", "y"]  # batched together by the worker
        assert rec.decoded[0][1].startswith("triglot-batcher-")
    finally:
        batcher.close()


def test_a_job_of_several_chunks_is_not_begun_on_the_callers_thread() -> None:
    rec = Recorder()
    batcher = Batcher(rec.decode, workers=1, chunk=2, start=rec.start)
    try:
        job = DecodeJob([[f"s{i}"] for i in range(5)], [None] * 5, 1)
        assert batcher.enqueue(job).result(5) == [f"out s{i}" for i in range(5)]
        assert rec.started == []
        assert [d[0] for d in rec.decoded] == [["s0", "s1"], ["s2", "s3"], ["s4"]]
    finally:
        batcher.close()


def test_a_start_that_cannot_begin_leaves_the_job_to_a_worker() -> None:
    rec = Recorder()
    batcher = Batcher(rec.decode, workers=1, start=lambda *_a: None)  # "model not loaded"
    try:
        assert batcher.enqueue(_job("a")).result(5) == ["out a"]
        assert batcher.enqueue(_job("b")).result(5) == ["out b"]
        assert [d[0] for d in rec.decoded] == [["a"], ["b"]]  # and it was idle again after
    finally:
        batcher.close()


@pytest.mark.parametrize("where", ["start", "wait"])
def test_a_failing_start_or_wait_reaches_the_caller_and_the_batcher_goes_on(where: str) -> None:
    rec = Recorder()
    calls: list[int] = []

    def start(*_a: object) -> Callable[[], list[Any]]:
        calls.append(1)
        if where == "start":
            raise RuntimeError("cannot begin")

        def wait() -> list[Any]:
            raise RuntimeError("decode failed")

        return wait

    batcher = Batcher(rec.decode, workers=1, start=start)
    try:
        message = "cannot begin" if where == "start" else "decode failed"
        with pytest.raises(RuntimeError, match=message):
            batcher.enqueue(_job("a")).result(5)
        # not counted as decoding any more: the next lone job is begun here again
        with pytest.raises(RuntimeError, match=message):
            batcher.enqueue(_job("b")).result(5)
        assert len(calls) == 2
        assert rec.decoded == []
    finally:
        batcher.close()


def test_a_begun_job_whose_caller_went_away_is_waited_for_and_dropped() -> None:
    rec = Recorder()
    batcher = Batcher(rec.decode, workers=1, start=rec.start)
    try:
        rec.gate.clear()
        gone = batcher.enqueue(_job("gone"))
        assert gone.cancel()  # its caller went away before a worker took it
        rec.gate.set()
        after = batcher.enqueue(_job("after"))
        assert after.result(5) == ["out after"]
        assert gone.cancelled()
    finally:
        batcher.close()


def test_a_blocking_caller_waits_for_its_own_decode_and_leaves_the_batcher_idle() -> None:
    rec = Recorder()
    batcher = Batcher(rec.decode, workers=1, start=rec.start)
    try:
        assert batcher.run(_job("a")) == ["out a"]
        assert rec.started == [(["a"], threading.current_thread().name)]
        assert rec.decoded == []  # no worker was involved
        assert batcher.run(_job("b")) == ["out b"]  # counted as done: begun here again
        assert [name for name, _thread in rec.started] == [["a"], ["b"]]
        rec.gate.clear()  # a worker is busy: run() queues and waits like enqueue()
        busy = batcher.enqueue(DecodeJob([["x"], ["y"]], [None, None], 1))
        time.sleep(0.1)
        waiting = threading.Thread(target=lambda: rec.decoded.append((batcher.run(_job("c")), "")))
        waiting.start()
        time.sleep(0.1)
        rec.gate.set()
        waiting.join(5)
        assert busy.result(5) == ["out x", "out y"]
        assert (["out c"], "") in rec.decoded
    finally:
        batcher.close()
