"""A throwaway PostgreSQL server on loopback for the storage contract tests.

Debian's ``postgresql`` package (installed by ``make setup``) provides ``initdb`` and
``pg_ctl``; the cluster lives in a temporary folder, listens on 127.0.0.1 only, on a free
port, and is stopped and removed afterwards. PostgreSQL refuses to run as root, so as root
the server runs as the ``postgres`` user. ``TRIGLOT_TEST_POSTGRES_URL`` points the tests at
an existing server instead (a database per test is created in it).
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from psycopg import sql


def _bin(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for folder in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (folder / name).exists():
            return str(folder / name)
    raise RuntimeError(
        f"PostgreSQL's {name} not found: run `make setup` (installs Debian's postgresql) "
        "or set TRIGLOT_TEST_POSTGRES_URL to a server the tests may create databases in"
    )


@dataclass
class PostgresServer:
    """A server the tests may create databases in; ``admin_url`` is a libpq URL."""

    admin_url: str
    _counter: Iterator[int] = field(default_factory=itertools.count)

    def new_database(self) -> str:
        """A fresh empty database; returns its SQLAlchemy URL (psycopg 3 driver)."""
        name = f"triglot_test_{os.getpid()}_{next(self._counter)}"
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        base = self.admin_url.rsplit("/", 1)[0]
        return base.replace("postgresql://", "postgresql+psycopg://", 1) + f"/{name}"


@contextmanager
def postgres_server(port: int) -> Iterator[PostgresServer]:
    external = os.environ.get("TRIGLOT_TEST_POSTGRES_URL")
    if external:
        yield PostgresServer(external)
        return
    initdb, pg_ctl = _bin("initdb"), _bin("pg_ctl")
    as_root = os.geteuid() == 0
    folder = Path(tempfile.mkdtemp(prefix="triglot-pg-"))
    data, log = folder / "data", folder / "server.log"

    def run(*cmd: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
        res = subprocess.run(
            [*prefix, *cmd], capture_output=True, text=True, check=False, timeout=120
        )
        if res.returncode != 0:
            detail = log.read_text() if log.exists() else ""
            raise RuntimeError(f"{' '.join(cmd)} failed: {res.stderr}{res.stdout}{detail}")

    if as_root:
        pw = pwd.getpwnam("postgres")
        os.chown(folder, pw.pw_uid, pw.pw_gid)
    try:
        run(initdb, "-D", str(data), "-U", "triglot", "-A", "trust", "-E", "UTF8",
            "--locale=C", "--no-sync")  # fmt: skip
        options = (
            f"-h 127.0.0.1 -p {port} -k {folder} -c fsync=off -c full_page_writes=off "
            "-c synchronous_commit=off -c max_connections=60"
        )
        run(pg_ctl, "-D", str(data), "-o", options, "-l", str(log), "-w", "-t", "60", "start")
        try:
            yield PostgresServer(f"postgresql://triglot@127.0.0.1:{port}/postgres")
        finally:
            run(pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
