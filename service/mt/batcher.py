"""Batching across callers: the sentences of concurrent requests go to the decoder together.

Engine-neutral: a :class:`Batcher` calls the ``decode`` function it is given (the Argos engine
hands it CTranslate2's ``translate_batch``) from its worker threads.
"""

from __future__ import annotations

import queue
import threading
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


DecodeFn = Callable[[list[list[str]], list[list[str] | None], int], list[Any]]


class Batcher:
    """Sends the sentences of concurrent callers to CTranslate2 together.

    Each worker thread (one per CTranslate2 inter-thread) takes every job waiting when it
    wakes, decodes them in one ``translate_batch`` per hypothesis count, and hands each caller
    its own results. A lone request is decoded at once; requests arriving during a decode form
    the next batch.
    """

    def __init__(self, decode: DecodeFn, *, workers: int = 1) -> None:
        self._decode = decode
        self._workers = workers
        self._jobs: queue.SimpleQueue[DecodeJob | None] = queue.SimpleQueue()
        for n in range(workers):  # one per CTranslate2 inter-thread: decodes run side by side
            threading.Thread(target=self._loop, name=f"triglot-batcher-{n}", daemon=True).start()

    def enqueue(self, job: DecodeJob) -> Future[list[Any]]:
        """Queue ``job``; its future holds the results, in the job's order."""
        self._jobs.put(job)
        return job.future

    def close(self) -> None:
        """Stop the workers once the jobs already queued are done."""
        for _ in range(self._workers):
            self._jobs.put(None)

    def _loop(self) -> None:
        while True:
            first = self._jobs.get()
            if first is None:
                return
            jobs = [first]
            while True:
                try:
                    job = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if job is None:
                    self._jobs.put(None)  # another worker's stop, or ours after this round
                    break
                jobs.append(job)
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
