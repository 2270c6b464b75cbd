"""The batcher's wait for more sentences under load (issue 15, a model of real size): after a
round of several sentences a worker gathers the requests that arrive just after; after a
single sentence, or on an idle server, it decodes a lone request at once.

The decode function is a stand-in that records the batches it is given (the batcher is
engine-neutral; the real decoder is exercised by the live-server tests)."""

from __future__ import annotations

import threading
import time

from service.mt.batcher import Batcher, DecodeJob

DECODE_S = 0.5  # each round's decode: the window after a round of several is gather x this


def _job(name: str) -> DecodeJob:
    return DecodeJob([[name]], [None], 1)


def test_gathers_after_a_round_of_several_and_not_after_a_single() -> None:
    calls: list[list[str]] = []
    gate = threading.Event()

    def decode(batch: list[list[str]], _prefixes: object, _n: int) -> list[object]:
        gate.wait(5)
        time.sleep(DECODE_S)
        calls.append([t[0] for t in batch])
        return [f"out {t[0]}" for t in batch]

    batcher = Batcher(decode, workers=1, gather=1.0, gather_max_s=5.0)
    try:
        blocker = batcher.enqueue(_job("blocker"))  # the worker holds it until the gate opens
        time.sleep(0.1)
        pair = [batcher.enqueue(_job(name)) for name in ("a", "b")]
        gate.set()
        assert blocker.result(5) == ["out blocker"]
        assert [f.result(5) for f in pair] == [["out a"], ["out b"]]
        assert calls[-1] == ["a", "b"]  # a round of two: the next round may wait DECODE_S

        first = batcher.enqueue(_job("c"))
        time.sleep(0.1)  # within the window: gathered with c
        second = batcher.enqueue(_job("d"))
        assert first.result(5) == ["out c"]
        assert second.result(5) == ["out d"]
        assert calls[-1] == ["c", "d"]

        lone = batcher.enqueue(_job("e"))  # after a round of two: waits, then alone
        assert lone.result(5) == ["out e"]
        assert calls[-1] == ["e"]
        began = time.monotonic()
        first = batcher.enqueue(_job("f"))  # after a single: decoded at once, alone
        time.sleep(0.1)
        second = batcher.enqueue(_job("g"))
        assert first.result(5) == ["out f"]
        assert time.monotonic() - began < DECODE_S * 1.9  # no window before the decode
        assert second.result(5) == ["out g"]
        assert calls[-2:] == [["f"], ["g"]]
    finally:
        gate.set()
        batcher.close()


def test_the_window_is_capped() -> None:
    calls: list[list[str]] = []

    def decode(batch: list[list[str]], _prefixes: object, _n: int) -> list[object]:
        time.sleep(DECODE_S)
        calls.append([t[0] for t in batch])
        return [t[0] for t in batch]

    batcher = Batcher(decode, workers=1, gather=10.0, gather_max_s=0.05)
    try:
        both = batcher.enqueue(DecodeJob([["a"], ["b"]], [None, None], 1))
        assert both.result(5) == ["a", "b"]
        began = time.monotonic()
        lone = batcher.enqueue(_job("c"))  # window: min(10 x 0.5 s, 0.05 s)
        assert lone.result(5) == ["c"]
        assert time.monotonic() - began < DECODE_S + 1.0
    finally:
        batcher.close()
