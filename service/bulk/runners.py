"""Where bulk batches run: this process, or Ray actors. One interface, two runners.

:meth:`Runner.map` hands each batch to a worker (a :class:`~service.bulk.worker.BulkWorker`)
and yields each batch's outcomes as they finish, in any order; at most one batch per worker
is in flight, so the driver's memory stays bounded by the batch size, not by the corpus.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol

from service.bulk.worker import BulkWorker
from service.errors import ServiceError
from service.settings import Settings

log = logging.getLogger(__name__)


class RayMissingError(ServiceError):
    """Ray is not installed here (it is the optional extra ``triglot[ray]``)."""

    status = 503
    code = "ray_missing"


class RayUnreachableError(ServiceError):
    """The Ray cluster at the address given cannot be reached or started."""

    status = 503
    code = "ray_unreachable"


class Runner(Protocol):
    workers: int

    def map(self, task: str, batches: Iterable[tuple[Any, ...]]) -> Iterator[list[Any]]:
        """Call ``BulkWorker.<task>(*batch)`` for each batch; yield the results as they end."""
        ...

    def peak_rss_mb(self) -> list[float]:
        """Each worker's peak resident memory so far, in MiB."""
        ...

    def close(self) -> None: ...


class LocalRunner:
    """One worker in this process: batches run one after the other."""

    workers = 1

    def __init__(self, settings: Settings) -> None:
        self._worker = BulkWorker(settings)

    def map(self, task: str, batches: Iterable[tuple[Any, ...]]) -> Iterator[list[Any]]:
        method = getattr(self._worker, task)
        for batch in batches:
            result: list[Any] = method(*batch)
            yield result

    def peak_rss_mb(self) -> list[float]:
        return [self._worker.peak_rss_mb()]

    def close(self) -> None:
        self._worker.close()


def _check_reachable(address: str, timeout_s: float = 5.0) -> None:
    """Fail fast when ``host:port`` (or ``ray://host:port``) does not accept a connection:
    ``ray.init`` would retry for minutes. Other addresses (``auto``) are left to Ray."""
    target = address.removeprefix("ray://")
    host, sep, port = target.rpartition(":")
    if not sep or not port.isdigit():
        return
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=timeout_s).close()
    except OSError as exc:
        raise RayUnreachableError(
            f"Ray at {address!r} cannot be reached: {exc.strerror or exc}"
        ) from exc


class RayRunner:
    """``workers`` Ray actors, each a :class:`BulkWorker` holding its database pool and its
    translation engine (loaded once per actor, on its first translation batch).

    ``address``: ``local`` starts Ray on this machine (``ray.init`` with ``num_cpus`` and
    ``object_store_mb``); anything else is handed to ``ray.init(address=...)`` (``auto``,
    ``ray://head:10001``, ``head:6379``). Each actor asks for ``cpus_per_worker`` CPUs."""

    def __init__(
        self,
        settings: Settings,
        *,
        address: str,
        workers: int,
        cpus_per_worker: float = 1.0,
        num_cpus: int | None = None,
        object_store_mb: int | None = None,
    ) -> None:
        try:
            import ray  # noqa: PLC0415
        except ImportError as exc:
            raise RayMissingError(
                "Ray is not installed: pip install 'triglot[ray]' (or ray>=2.9)"
            ) from exc
        self.workers = workers
        self._ray = ray
        self._started = False
        if not ray.is_initialized():
            try:
                if address == "local":
                    ray.init(
                        num_cpus=num_cpus or workers,
                        object_store_memory=(object_store_mb or 128) * 1024 * 1024,
                        include_dashboard=False,
                        log_to_driver=False,
                    )
                else:
                    _check_reachable(address)
                    ray.init(address=address, log_to_driver=False)
            except (ConnectionError, RuntimeError, ValueError) as exc:
                raise RayUnreachableError(f"Ray at {address!r} cannot be reached: {exc}") from exc
            self._started = True
        remote = ray.remote(num_cpus=cpus_per_worker)(BulkWorker)
        self._actors: Sequence[Any] = [remote.remote(settings) for _ in range(workers)]
        ray.get([a.peak_rss_mb.remote() for a in self._actors])  # every actor built and ready

    def map(self, task: str, batches: Iterable[tuple[Any, ...]]) -> Iterator[list[Any]]:
        # Two batches queued per actor (one running, one ready), the next drawn only when one
        # ends: ray.util.ActorPool would read every batch at once.
        ray = self._ray
        pending = iter(batches)
        in_flight: dict[Any, Any] = {}

        def submit(actor: Any) -> None:
            batch = next(pending, None)
            if batch is not None:
                in_flight[getattr(actor, task).remote(*batch)] = actor

        for actor in [*self._actors, *self._actors]:
            submit(actor)
        while in_flight:
            [ready], _ = ray.wait(list(in_flight), num_returns=1)
            actor = in_flight.pop(ready)
            result: list[Any] = ray.get(ready)
            submit(actor)
            yield result

    def peak_rss_mb(self) -> list[float]:
        peaks: list[float] = self._ray.get([a.peak_rss_mb.remote() for a in self._actors])
        return peaks

    def close(self) -> None:
        self._ray.get([a.close.remote() for a in self._actors])
        for actor in self._actors:
            self._ray.kill(actor)
        if self._started:
            self._ray.shutdown()
