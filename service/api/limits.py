"""Request rate limits: a token bucket per client (an API key or an address).

A limit of N per minute lets a client send N requests at once, then one every 60/N seconds.
A request may cost more than one (the character budget of /translate counts characters, as
LibreTranslate's ``--req-time-cost`` counts time): a cost over the whole budget is charged as
the whole budget, so a lone large request waits for a full bucket rather than forever.

Two implementations of one :class:`Limiter` protocol:

- :class:`RateLimiter`: buckets in this process (one ``triglot serve`` process), so a restart
  forgets them; idle buckets (refilled to full) are dropped so that memory stays bounded by
  the active clients.
- :class:`RedisRateLimiter` (``TRIGLOT_REDIS_URL``): buckets in Redis, shared by every replica
  and worker; one Lua script reads, refills and takes a token atomically on Redis' clock.
  When Redis cannot be reached the replica falls back to its own buckets (see the class).
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from service.errors import ServiceError

if TYPE_CHECKING:
    import redis

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    limit: int  # per minute
    remaining: int
    retry_after: int  # whole seconds until one more request is allowed (0 if allowed)


class Limiter(Protocol):
    def hit(self, client: str, per_minute: int, *, cost: int = 1) -> Decision:
        """Count a request of ``cost`` units of ``client`` against ``per_minute`` units (0 or
        less: no limit)."""
        ...


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


# KEYS[1]: the bucket; ARGV[1]: the limit per minute; ARGV[2]: the cost (at most the
# limit). Returns {allowed (0/1), tokens left
# (a string: Lua numbers become integers in replies)}. Redis' TIME is the one clock of every
# replica; an idle bucket expires once it would be full again (60 s).
_TAKE = """
local limit = tonumber(ARGV[1])
local cost = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'updated')
local tokens = tonumber(state[1]) or limit
local updated = tonumber(state[2]) or now
tokens = math.min(limit, tokens + math.max(0, now - updated) * limit / 60)
local allowed = 0
if tokens >= cost then
  tokens = tokens - cost
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'updated', tostring(now))
redis.call('EXPIRE', KEYS[1], 61)
return {allowed, tostring(tokens)}
"""


class RedisUnavailableError(ServiceError):
    """Redis did not answer at start-up (a wrong ``TRIGLOT_REDIS_URL``, a server down)."""

    status = 503
    code = "redis_unavailable"


class RedisRateLimiter:
    """Token buckets in Redis, shared by every process that uses the same Redis and prefix.

    When Redis fails mid-way (down, timeout), requests are counted in this process's own
    buckets (:class:`RateLimiter`) and Redis is tried again ``retry_s`` later: neither open
    (no limit at all while Redis is down) nor closed (every request refused, the service down
    with its limiter); each replica then enforces the limit alone, so a client gets at most
    the limit times the number of replicas. Start-up fails when Redis does not answer
    (:meth:`check`), so a wrong URL is not silently degraded."""

    def __init__(
        self,
        client: redis.Redis,
        *,
        prefix: str = "triglot:rate:",
        retry_s: float = 5.0,
        fallback: RateLimiter | None = None,
    ) -> None:
        self._redis = client
        self._prefix = prefix
        self._retry_s = retry_s
        self._fallback = fallback or RateLimiter()
        self._script = client.register_script(_TAKE)
        self._down_until = 0.0

    @classmethod
    def from_url(cls, url: str, *, timeout_s: float = 0.5) -> RedisRateLimiter:
        import redis  # noqa: PLC0415

        client = redis.Redis.from_url(
            url, socket_timeout=timeout_s, socket_connect_timeout=timeout_s
        )
        return cls(client)

    def check(self) -> None:
        """Ping Redis; :class:`RedisUnavailableError` naming the reason if it does not answer."""
        import redis  # noqa: PLC0415

        try:
            self._redis.ping()
        except redis.RedisError as exc:
            raise RedisUnavailableError(f"TRIGLOT_REDIS_URL: Redis does not answer: {exc}") from exc

    def hit(self, client: str, per_minute: int, *, cost: int = 1) -> Decision:
        """Count a request of ``cost`` units of ``client`` against ``per_minute`` units (0 or
        less: no limit); a cost over the whole budget is charged as the whole budget."""
        import redis  # noqa: PLC0415

        if per_minute <= 0:
            return Decision(True, 0, 0, 0)
        need = min(max(cost, 1), per_minute)
        if time.monotonic() < self._down_until:
            return self._fallback.hit(client, per_minute, cost=cost)
        try:
            allowed, left = self._script(keys=[self._prefix + client], args=[per_minute, need])
        except redis.RedisError as exc:
            log.warning(
                "Redis unavailable (%s): rate limits counted in this process for %.0f s",
                exc,
                self._retry_s,
            )
            self._down_until = time.monotonic() + self._retry_s
            return self._fallback.hit(client, per_minute, cost=cost)
        tokens = float(left)
        if allowed:
            return Decision(True, per_minute, int(tokens), 0)
        wait = math.ceil((need - tokens) / (per_minute / 60.0))
        return Decision(False, per_minute, 0, max(1, wait))

    def close(self) -> None:
        self._redis.close()
