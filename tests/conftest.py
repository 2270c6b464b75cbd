"""Shared fixtures: paths to the seeds and gold, test settings, an app client."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.api.app import create_app
from service.settings import Settings
from tests.postgres import PostgresServer, postgres_server

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"
GOLD = SHARED / "gold" / "seeds.json"

# One decompressed language model for the whole run and the next ones (servers started by the
# tests inherit it): each test's own data folder would otherwise build its 40 MB copy.
os.environ.setdefault(
    "TRIGLOT_CACHE_DIR", str(Path(tempfile.gettempdir()) / f"triglot-test-cache-{os.getuid()}")
)

MEKONG_EDIT = {  # a glossary proposal adding one concept
    "upsert": [
        {
            "id": "mekong",
            "terms": [
                {"text": "Mékong", "lang": "fr"},
                {"text": "Mê Kông", "lang": "vi"},
                {"text": "Mekong", "lang": "en"},
            ],
        }
    ]
}


@pytest.fixture(scope="session")
def gold() -> dict[str, Any]:
    if not GOLD.exists():
        pytest.fail(f"gold annotation missing at {GOLD}: ../shared must sit beside the repo")
    data: dict[str, Any] = json.loads(GOLD.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """One PostgreSQL server on loopback for the session (see tests/postgres.py)."""
    with postgres_server(free_port()) as server:
        yield server


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database on each storage backend: the storage contract runs on both."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'triglot.db'}"
    server: PostgresServer = request.getfixturevalue("postgres")
    return server.new_database()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", seeds_dir=SEEDS, max_page_bytes=200_000)


@pytest.fixture
def settings_on_each_backend(tmp_path: Path, db_url: str) -> Settings:
    """Test settings on SQLite, then on PostgreSQL: modules whose tests are part of the
    storage contract use it as their ``settings``."""
    return Settings(
        data_dir=tmp_path / "data", seeds_dir=SEEDS, max_page_bytes=200_000, database_url=db_url
    )


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


TRIGLOT = shutil.which("triglot") or str(Path(sys.executable).parent / "triglot")


def make_key(data_dir: Path, name: str, *extra: str, env: dict[str, str] | None = None) -> str:
    """A new API key made with `triglot keys add` (the way an operator makes one)."""
    res = subprocess.run(
        [TRIGLOT, "keys", "add", name, *extra],
        env={**os.environ, "TRIGLOT_DATA_DIR": str(data_dir), **(env or {})},
        capture_output=True,
        text=True,
        check=True,
    )
    return res.stdout.strip()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def live_server(
    data_dir: Path, *args: str, env: dict[str, str] | None = None
) -> Iterator[tuple[str, Path]]:
    """`triglot serve` on a free loopback port: yields (base URL, log file); stopped after.
    ``env``: more TRIGLOT_ settings."""
    port = free_port()
    env = {**os.environ, "TRIGLOT_DATA_DIR": str(data_dir), **(env or {})}
    data_dir.mkdir(parents=True, exist_ok=True)
    log = data_dir.parent / f"serve-{port}.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [TRIGLOT, "serve", "--host", "127.0.0.1", "--port", str(port), *args],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/health", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"server did not start: {log.read_text()}")
                time.sleep(0.3)
        yield base, log
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
