"""A `triglot serve` on a free loopback port for the benchmarks, stopped on exit."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "models" / "fr_en.argosmodel"
TRIGLOT = str(Path(sys.executable).parent / "triglot")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def served(package: Path = FIXTURE, **settings: str) -> Iterator[tuple[int, Path]]:
    """Install ``package`` in a temporary data folder, serve it on loopback (``settings`` are
    extra TRIGLOT_* variables); yields (port, packages folder) once /health answers."""
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        env = {**os.environ, "TRIGLOT_DATA_DIR": str(data), **settings}
        subprocess.run(
            [TRIGLOT, "models", "install", str(package)], env=env, check=True, capture_output=True
        )
        port = free_port()
        server = subprocess.Popen(
            [TRIGLOT, "serve", "--host", "127.0.0.1", "--port", str(port), "--seeds", tmp],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                    conn.request("GET", "/health")
                    conn.getresponse().read()
                    break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        raise SystemExit("triglot serve did not start") from None
                    time.sleep(0.2)
            yield port, data / "packages"
        finally:
            server.terminate()
            server.wait(timeout=20)


def installed(packages: Path) -> Path:
    """The one package folder in ``packages`` (beside it lies the ``.generation`` marker)."""
    return next(p for p in sorted(packages.iterdir()) if (p / "metadata.json").is_file())
