"""Replicas: several `triglot serve` processes on one PostgreSQL database and one Redis serve
the same answers. Real servers on loopback: PostgreSQL (tests/postgres.py), Debian's
`redis-server`, and three replicas started at once on an empty database (the third runs two
uvicorn workers), as a load balancer would see them.

Checked: a key's rate limit holds across replicas (Redis buckets), a revoked key is refused
by every replica within a second, and a glossary approval race across replicas has exactly
one winner. The Redis limiter's own behaviour (same decisions as the in-process one; its
fallback when Redis goes away) is checked against the same real server.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from service.api.limits import RateLimiter, RedisRateLimiter, RedisUnavailableError
from tests.conftest import MEKONG_EDIT, ROOT, TRIGLOT, free_port, make_key
from tests.postgres import PostgresServer

pytestmark = pytest.mark.slow

NAME = "vn-government-news"


@contextmanager
def redis_server() -> Iterator[str]:
    """Debian's redis-server on a free loopback port, nothing saved to disk; yields its URL."""
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not Path(binary).exists():
        pytest.fail("redis-server not found: run `make setup` (installs Debian's redis-server)")
    port = free_port()
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    limiter = RedisRateLimiter.from_url(url)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                limiter.check()
                break
            except RedisUnavailableError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("redis-server did not start")
                time.sleep(0.1)
        limiter.close()
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@dataclass
class Cluster:
    urls: list[str]
    data_dir: Path
    env: dict[str, str]
    key: str


@contextmanager
def replicas(tmp: Path, env: dict[str, str], workers: tuple[int, ...]) -> Iterator[list[str]]:
    """One `triglot serve` per entry of ``workers`` (its --workers), all started at once, each
    with its own data folder (as on separate machines); yields their base URLs."""
    procs, urls, logs = [], [], []
    for n, count in enumerate(workers):
        port = free_port()
        data_dir = tmp / f"replica{n}"
        data_dir.mkdir(parents=True)
        log = tmp / f"replica{n}.log"
        logs.append(log)
        with log.open("w") as out:
            procs.append(
                subprocess.Popen(
                    [
                        TRIGLOT,
                        "serve",
                        "--host",
                        "127.0.0.1",
                        "--port",
                        str(port),
                        "--workers",
                        str(count),
                        "--seeds",
                        str(tmp / "no-seeds"),
                    ],
                    cwd=ROOT,
                    env={**os.environ, "TRIGLOT_DATA_DIR": str(data_dir), **env},
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            )
        urls.append(f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + 120
        for proc, url, log in zip(procs, urls, logs, strict=True):
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/health", timeout=2):
                        break
                except OSError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        pytest.fail(f"replica did not start: {log.read_text()}")
                    time.sleep(0.3)
        yield urls
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGINT)
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    with redis_server() as url:
        yield url


@pytest.fixture(scope="module")
def cluster(
    tmp_path_factory: pytest.TempPathFactory, postgres: PostgresServer, redis_url: str
) -> Iterator[Cluster]:
    tmp = tmp_path_factory.mktemp("replicas")
    env = {
        "TRIGLOT_DATABASE_URL": postgres.new_database(),
        "TRIGLOT_REDIS_URL": redis_url,
        "TRIGLOT_API_KEYS": "true",
    }
    with replicas(tmp, env, workers=(1, 1, 2)) as urls:
        key = make_key(tmp / "admin", "editor", env=env)
        yield Cluster(urls, tmp / "admin", env, key)


def _auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_replicas_serve_the_same_answers(cluster: Cluster) -> None:
    doc = httpx.post(
        f"{cluster.urls[0]}/documents",
        json={"text": "Titre\n\nUn paragraphe en français sur Hanoï.\n", "name": "p.txt"},
        headers=_auth(cluster.key),
    )
    assert doc.status_code == 201, doc.text
    answers = [httpx.get(f"{u}/documents/{doc.json()['id']}").json() for u in cluster.urls]
    assert answers == [answers[0]] * 3


def test_a_keys_rate_limit_holds_across_replicas(cluster: Cluster) -> None:
    key = make_key(cluster.data_dir, "limited", "--rate-limit", "6", env=cluster.env)
    codes = [
        httpx.get(f"{cluster.urls[n % 3]}/glossaries", headers=_auth(key)).status_code
        for n in range(9)
    ]
    # 6 per minute: one more token every 10 s, so the three over the limit are refused
    # whichever replica they reach (each replica alone would have let all nine through).
    assert codes == [200] * 6 + [429] * 3
    over = httpx.get(f"{cluster.urls[2]}/glossaries", headers=_auth(key))
    assert over.json()["code"] == "rate_limited"
    assert int(over.headers["Retry-After"]) >= 1


def test_a_revoked_key_fails_on_every_replica_within_a_second(cluster: Cluster) -> None:
    key = make_key(cluster.data_dir, "leaving", env=cluster.env)
    for url in cluster.urls:
        assert httpx.get(f"{url}/glossaries", headers=_auth(key)).status_code == 200
    subprocess.run(
        [TRIGLOT, "keys", "revoke", "leaving"],
        env={**os.environ, "TRIGLOT_DATA_DIR": str(cluster.data_dir), **cluster.env},
        check=True,
        capture_output=True,
    )
    revoked_at = time.monotonic()
    for url in cluster.urls * 2:  # twice: the last replica runs two workers
        res = httpx.get(f"{url}/glossaries", headers=_auth(key))
        assert res.status_code == 403, (url, res.text)
    assert time.monotonic() - revoked_at < 1.0


def test_a_glossary_approval_race_across_replicas_has_one_winner(cluster: Cluster) -> None:
    version = httpx.get(f"{cluster.urls[0]}/glossaries/{NAME}").json()["version"]
    edits = [MEKONG_EDIT, {"remove": ["gdp"]}, {"remove": ["asean"]}]
    proposals = []
    for url, edit in zip(cluster.urls, edits, strict=True):
        res = httpx.post(
            f"{url}/glossaries/{NAME}/proposals",
            json={"edits": edit, "note": "race", "author": "tester"},
            headers={"If-Match": f'"v{version}"', **_auth(cluster.key)},
        )
        assert res.status_code == 201, res.text
        proposals.append(res.json()["id"])
    barrier = threading.Barrier(3)
    codes: list[int] = []

    def approve(url: str, pid: int) -> None:
        barrier.wait()
        res = httpx.post(
            f"{url}/glossaries/{NAME}/proposals/{pid}/approve",
            headers={"If-Match": f'"v{version}"', **_auth(cluster.key)},
            timeout=30,
        )
        codes.append(res.status_code)

    threads = [
        threading.Thread(target=approve, args=(u, p))
        for u, p in zip(cluster.urls, proposals, strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [200, 412, 412]
    for url in cluster.urls:
        assert httpx.get(f"{url}/glossaries/{NAME}").json()["version"] == version + 1


def test_redis_buckets_decide_as_the_in_process_ones(redis_url: str) -> None:
    shared, local = RedisRateLimiter.from_url(redis_url), RateLimiter()
    try:
        a = [shared.hit("unit-a", 3) for _ in range(4)]
        b = [local.hit("unit-a", 3) for _ in range(4)]
        assert [d.allowed for d in a] == [d.allowed for d in b] == [True, True, True, False]
        assert [d.remaining for d in a] == [d.remaining for d in b] == [2, 1, 0, 0]
        assert a[-1].retry_after == b[-1].retry_after == 20  # 3 a minute: one every 20 s
        assert shared.hit("unit-a", 0).allowed  # 0: no limit
    finally:
        shared.close()


def test_without_redis_each_replica_limits_on_its_own() -> None:
    """Redis gone mid-way: neither every request refused nor none limited: this process's
    own buckets count until Redis answers again; start-up refuses an unreachable Redis."""
    with redis_server() as url:
        limiter = RedisRateLimiter.from_url(url)
        assert limiter.hit("unit-b", 2).allowed
    # the server is stopped now
    decisions = [limiter.hit("unit-b", 2) for _ in range(3)]
    assert [d.allowed for d in decisions] == [True, True, False]
    with pytest.raises(RedisUnavailableError, match="TRIGLOT_REDIS_URL"):
        limiter.check()
    limiter.close()
