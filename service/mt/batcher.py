"""Batching across callers: the sentences of concurrent requests go to the decoder together.

Engine-neutral: a :class:`Batcher` calls the ``decode`` function it is given (the Argos engine
hands it CTranslate2's ``translate_batch``) from its worker threads, and, when it is given one,
the ``start`` function (CTranslate2's ``translate_batch(..., asynchronous=True)``) from the
caller's thread for a lone job on an idle batcher.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any


@dataclass
class DecodeJob:
    batch: list[list[str]]
    prefixes: list[list[str] | None]
    num_hypotheses: int
    future: Future[list[Any]] = field(default_factory=Future)
    started: Callable[[], list[Any]] | None = None  # its decode began on the caller's thread:
    # a worker only waits for the results
    part: bool = False  # a chunk of a long job: at most one such chunk goes in a round


DecodeFn = Callable[[list[list[str]], list[list[str] | None], int], list[Any]]
StartFn = Callable[[list[list[str]], list[list[str] | None], int], Callable[[], list[Any]] | None]
"""Begins a decode without waiting for it; returns what waits for the results, or None when it
cannot begin at once (e.g. the model is not loaded yet: loading is a worker's job)."""


class Batcher:
    """Sends the sentences of concurrent callers to CTranslate2 together.

    Each worker thread (one per CTranslate2 inter-thread) takes every job waiting when it
    wakes, decodes them in one ``translate_batch`` per hypothesis count, and hands each caller
    its own results. A lone request is decoded at once; requests arriving during a decode form
    the next batch.

    Under load (its last round held more than one sentence, or another worker is decoding), a
    worker waits a little for more sentences before decoding: at most ``gather`` times its
    last round's decode time, and at most ``gather_max_s``. The clients of a batch get their
    answers together and send their next requests within a few milliseconds of each other;
    without the wait, the worker took the first of them alone and the rest formed the next
    batch (measured on a model of real size, 16 clients, 2 workers: 54 of 82 rounds were single
    sentences, each nearly as long as a batch of several). On an idle server nothing waits.

    With a ``start`` function, a job that fits one round and finds the batcher idle (no job
    queued, none decoding) begins its decode on the caller's thread, and a worker only waits
    for it: the wake-up of the worker thread then overlaps the decode instead of preceding it
    (measured on a live server: about 0.1 ms of a single request's time, see
    ``docs/translate-speed.md``). Under load nothing changes: jobs queue and are batched.
    """

    def __init__(
        self,
        decode: DecodeFn,
        *,
        workers: int = 1,
        chunk: int = 8,
        chunk_tokens: int = 256,
        max_batch: int = 32,
        gather: float = 0.05,
        gather_max_s: float = 0.05,
        start: StartFn | None = None,
    ) -> None:
        self._decode = decode
        self._start = start
        self._workers = workers
        self._chunk = chunk
        self._tokens = chunk_tokens
        self._max_batch = max_batch
        self._gather = gather
        self._gather_max = gather_max_s
        self._decoding = 0  # workers decoding now
        self._lock = threading.Lock()
        # queue.Queue, not SimpleQueue: with two workers taking from it with short timeouts
        # (the gathering window) and long jobs' chunks put back, a worker was seen blocked for
        # minutes in SimpleQueue.get(timeout=0.0003) on CPython 3.11, holding a chunk, while
        # its job's caller waited (a test run hung; tests/test_hardening_edge.py::
        # test_two_workers_finish_many_... hangs 4 times in 5 with SimpleQueue). Queue keeps
        # its deadline in Python (Condition.wait with the time left, never negative).
        self._jobs: queue.Queue[DecodeJob | None] = queue.Queue()
        for n in range(workers):  # one per CTranslate2 inter-thread: decodes run side by side
            threading.Thread(target=self._loop, name=f"triglot-batcher-{n}", daemon=True).start()

    def enqueue(self, job: DecodeJob) -> Future[list[Any]]:
        """Queue ``job``; its future holds the results, in the job's order.

        A job of more than ``chunk`` sentences or ``chunk_tokens`` tokens is decoded in chunks
        of at most that (one long sentence piece is up to 200 tokens), one per worker
        at a time, each queued when the previous one is done (behind whatever arrived
        meanwhile); a worker takes at most ``max_batch`` sentences a round, and at most one
        chunk of long jobs (the others wait for the next round, behind what arrived
        meanwhile). So a short request that arrives during long ones waits for one chunk, not
        for the whole long job, nor for one chunk of each long job at once.
        Cancelling the job's future drops its chunks not yet decoded."""
        bounds = self._chunks(job.batch)
        if len(bounds) == 1:
            self._start_now(job)
            self._jobs.put(job)
            return job.future
        parts = [
            DecodeJob(job.batch[a:b], job.prefixes[a:b], job.num_hypotheses, part=True)
            for a, b in bounds
        ]
        left = [len(parts)]
        queued = [0]
        lock = threading.Lock()

        def queue_next() -> None:  # a chunk goes in behind whatever arrived meanwhile
            with lock:
                if queued[0] == len(parts) or job.future.cancelled():
                    return
                part = parts[queued[0]]
                queued[0] += 1
            self._jobs.put(part)

        def part_done(_part: Future[list[Any]]) -> None:
            with lock:
                left[0] -= 1
                last = left[0] == 0
            if not last:
                queue_next()
                return
            if not job.future.set_running_or_notify_cancel():
                return
            results: list[Any] = []
            for part in parts:
                if part.future.cancelled():
                    job.future.set_exception(RuntimeError("a chunk of the job was cancelled"))
                    return
                error = part.future.exception()
                if error is not None:
                    job.future.set_exception(error)
                    return
                results.extend(part.future.result())
            job.future.set_result(results)

        def job_done(done: Future[list[Any]]) -> None:
            if done.cancelled():
                for part in parts:
                    part.future.cancel()

        job.future.add_done_callback(job_done)
        for part in parts:
            part.future.add_done_callback(part_done)
        for _ in range(min(self._workers, len(parts))):
            queue_next()
        return job.future

    def run(self, job: DecodeJob) -> list[Any]:
        """:meth:`enqueue` and wait for the results, for a caller that may block (a worker
        thread: the glossary path, files, jobs). A job begun on this thread is waited for
        here rather than by a batcher worker: one thread wake-up less after the decode."""
        if len(self._chunks(job.batch)) > 1:
            return self.enqueue(job).result()
        self._start_now(job)
        if job.started is None:  # busy: queued and batched like any other
            self._jobs.put(job)
            return job.future.result()
        try:
            return job.started()
        finally:
            self._started_done()

    def _start_now(self, job: DecodeJob) -> None:
        """Begin ``job``'s decode here if the batcher is idle, it fits one round and there is a
        ``start`` function (``job.started`` is then set)."""
        if self._start is None or len(job.batch) > self._max_batch:
            return
        with self._lock:
            if self._decoding or not self._jobs.empty():
                return
            self._decoding += 1  # counted from now: a job arriving meanwhile sees a load
        try:
            assert self._start is not None
            job.started = self._start(job.batch, job.prefixes, job.num_hypotheses)
        except Exception as exc:
            job.started = _raiser(exc)  # the worker hands the error to the caller
        if job.started is None:
            with self._lock:
                self._decoding -= 1

    def _chunks(self, batch: list[list[str]]) -> list[tuple[int, int]]:
        """(start, end) of consecutive chunks of at most ``chunk`` sentences and
        ``chunk_tokens`` tokens (a chunk holds one sentence at least)."""
        bounds: list[tuple[int, int]] = []
        start, tokens = 0, 0
        for i, sentence in enumerate(batch):
            if i > start and (i - start >= self._chunk or tokens + len(sentence) > self._tokens):
                bounds.append((start, i))
                start, tokens = i, 0
            tokens += len(sentence)
        bounds.append((start, len(batch)))
        return bounds

    def close(self) -> None:
        """Stop the workers once the jobs already queued are done."""
        for _ in range(self._workers):
            self._jobs.put(None)

    def _loop(self) -> None:
        took, several = 0.0, False  # the last round: its decode time, more than one sentence?
        while True:
            first = self._jobs.get()
            if first is None:
                return
            if first.started is not None:
                took, several = self._finish_started(first), False
                continue
            jobs = [first]
            begun: list[DecodeJob] = []  # jobs begun on their callers' threads meanwhile
            later: list[DecodeJob] = []  # chunks of long jobs beyond this round's one
            long_part = first.part
            size = len(first.batch)
            loaded = several or self._decoding > 0
            until = time.monotonic() + (min(self._gather * took, self._gather_max) if loaded else 0)
            while size < self._max_batch:  # the rest waits for the next round
                left = until - time.monotonic()
                try:
                    job = self._jobs.get(timeout=left) if left > 0 else self._jobs.get_nowait()
                except queue.Empty:
                    break
                if job is None:
                    self._jobs.put(None)  # another worker's stop, or ours after this round
                    break
                if job.started is not None:
                    begun.append(job)
                    continue
                if job.part and long_part:
                    later.append(job)
                    continue
                long_part = long_part or job.part
                jobs.append(job)
                size += len(job.batch)
            for job in later:  # the next round, or another worker's, behind what came meanwhile
                self._jobs.put(job)
            started = time.monotonic()
            with self._lock:
                self._decoding += 1
            by_n: dict[int, list[DecodeJob]] = {}
            for job in jobs:
                if not job.future.set_running_or_notify_cancel():
                    continue  # its caller is gone (a client disconnected): not decoded
                by_n.setdefault(job.num_hypotheses, []).append(job)
            for n, group in by_n.items():
                try:
                    results = self._decode(
                        [t for j in group for t in j.batch],
                        [p for j in group for p in j.prefixes],
                        n,
                    )
                except Exception as exc:
                    for job in group:
                        job.future.set_exception(exc)
                    continue
                start = 0
                for job in group:
                    job.future.set_result(results[start : start + len(job.batch)])
                    start += len(job.batch)
            with self._lock:
                self._decoding -= 1
            took, several = time.monotonic() - started, size > 1
            for job in begun:
                self._finish_started(job)

    def _finish_started(self, job: DecodeJob) -> float:
        """Wait for a job whose decode was begun by its caller; returns the time waited."""
        assert job.started is not None
        began = time.monotonic()
        try:
            results = job.started()
        except Exception as exc:
            if job.future.set_running_or_notify_cancel():
                job.future.set_exception(exc)
        else:  # decoded even if its caller went away meanwhile: nothing to drop
            if job.future.set_running_or_notify_cancel():
                job.future.set_result(results)
        finally:
            self._started_done()
        return time.monotonic() - began

    def _started_done(self) -> None:
        """A decode begun on a caller's thread is over (counted from :meth:`_start_now`)."""
        with self._lock:
            self._decoding -= 1


def _raiser(exc: Exception) -> Callable[[], list[Any]]:
    def wait() -> list[Any]:
        raise exc

    return wait
