"""Hostile conditions: a process killed mid-ingest, and fuzzed requests against a live server."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from aligner import analyze
from service.db import make_engine
from tests.conftest import ROOT, SEEDS, TRIGLOT, live_server


@pytest.mark.slow
def test_sigkill_during_ingest_leaves_no_half_written_document(tmp_path: Path, db_url: str) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    seed = (SEEDS / "004_606bed8f58cb9dd9.txt").read_text(encoding="utf-8")
    for i in range(400):  # distinct texts, so each page is a new document
        (pages / f"p{i:03}.txt").write_text(f"{seed}\nPage {i}.\n", encoding="utf-8")
    data = tmp_path / "data"
    env = {
        **os.environ,
        "TRIGLOT_DATA_DIR": str(data),
        "TRIGLOT_DATABASE_URL": db_url,
        "PYTHONUNBUFFERED": "1",
    }
    proc = subprocess.Popen(
        [TRIGLOT, "ingest", str(pages)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None
    stored = 0
    for line in proc.stdout:  # kill it in the middle of the run
        stored += "stored" in line
        if stored == 20:
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    expected = len(analyze(f"{seed}\nPage 0.\n").segments)
    engine = make_engine(db_url)
    with engine.connect() as db:
        docs = db.execute(text("SELECT id FROM documents")).scalars().all()
        assert 20 <= len(docs) < 400
        counts = db.execute(
            text(
                "SELECT d.id, (SELECT count(*) FROM segments s WHERE s.document_id = d.id), "
                "(SELECT count(*) FROM pairs p WHERE p.document_id = d.id) FROM documents d"
            )
        ).all()
        assert {(n, pairs) for _id, n, pairs in counts} == {(expected, 2)}
        orphans = db.execute(
            text(
                "SELECT count(*) FROM segments WHERE document_id NOT IN (SELECT id FROM documents)"
            )
        ).scalar()
        assert orphans == 0
    rerun = subprocess.run(
        [TRIGLOT, "ingest", str(pages)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert rerun.returncode == 0, rerun.stderr
    with engine.connect() as db:
        assert db.execute(text("SELECT count(*) FROM documents")).scalar() == 400
    engine.dispose()


@pytest.mark.slow
def test_fuzzed_requests_never_get_a_server_error(tmp_path: Path) -> None:
    schemathesis = Path(TRIGLOT).parent / "schemathesis"
    data = tmp_path / "data"
    models = ROOT / "tests" / "fixtures" / "models"
    for pair in ("fr_en", "vi_en"):
        subprocess.run(
            [TRIGLOT, "models", "install", str(models / f"{pair}.argosmodel")],
            env={**os.environ, "TRIGLOT_DATA_DIR": str(data)},
            check=True,
            capture_output=True,
        )
    with live_server(data) as (base, log):
        start = time.monotonic()
        res = subprocess.run(
            [
                str(schemathesis),
                "run",
                f"{base}/openapi.json",
                "--checks",
                "not_a_server_error",
                "--phases",
                "examples,fuzzing",
                "--max-examples",
                "25",
                "--seed",
                "1",
                "--workers",
                "1",
            ],
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )
        assert res.returncode == 0, res.stdout[-3000:] + log.read_text()[-3000:]
        assert "passed" in res.stdout
        assert time.monotonic() - start < 600
