"""Request rate limits: a token bucket per client (an API key or an address).

A limit of N per minute lets a client send N requests at once, then one every 60/N seconds.
A request may cost more than one (the character budget of /translate counts characters, as
LibreTranslate's ``--req-time-cost`` counts time): a cost over the whole budget is charged as
the whole budget, so a lone large request waits for a full bucket rather than forever.
Buckets live in this process (``triglot serve`` runs one), so a restart forgets them; idle
buckets (refilled to full) are dropped so that memory stays bounded by the active clients.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    limit: int  # per minute
    remaining: int
    retry_after: int  # whole seconds until one more request is allowed (0 if allowed)


class RateLimiter:
    """Token buckets keyed by client; thread-safe. ``clock`` is injectable for tests."""

    def __init__(
        self, *, clock: Callable[[], float] = time.monotonic, max_clients: int = 100_000
    ) -> None:
        self._clock = clock
        self._max_clients = max_clients
        self._buckets: dict[str, tuple[float, float]] = {}  # client -> (tokens, updated)
        self._lock = threading.Lock()

    def hit(self, client: str, per_minute: int, *, cost: int = 1) -> Decision:
        """Count a request of ``cost`` units of ``client`` against ``per_minute`` units
        (0 or less: no limit)."""
        if per_minute <= 0:
            return Decision(True, 0, 0, 0)
        rate = per_minute / 60.0
        need = float(min(max(cost, 1), per_minute))
        with self._lock:
            now = self._clock()
            tokens, updated = self._buckets.get(client, (float(per_minute), now))
            tokens = min(float(per_minute), tokens + (now - updated) * rate)
            if tokens >= need:
                tokens -= need
                self._store(client, tokens, now)
                return Decision(True, per_minute, int(tokens), 0)
            self._store(client, tokens, now)
            wait = math.ceil((need - tokens) / rate)
            return Decision(False, per_minute, 0, max(1, wait))

    def _store(self, client: str, tokens: float, now: float) -> None:
        self._buckets[client] = (tokens, now)
        if len(self._buckets) > self._max_clients:
            self._prune(now)

    def _prune(self, now: float) -> None:
        """Drop buckets idle long enough to be full again (a minute at most); if every client
        is active, drop the oldest half."""
        idle = [c for c, (_t, updated) in self._buckets.items() if now - updated >= 60.0]
        for client in idle:
            del self._buckets[client]
        if len(self._buckets) > self._max_clients:
            by_age = sorted(self._buckets, key=lambda c: self._buckets[c][1])
            for client in by_age[: len(by_age) // 2]:
                del self._buckets[client]

    def __len__(self) -> int:
        return len(self._buckets)
