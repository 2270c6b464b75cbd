"""Background jobs (service/jobs): the jobs table and the worker on SQLite and PostgreSQL,
through the store and through the API; cancelling, failing, stopping, resuming after a crash."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from service.api.app import create_app
from service.jobs.store import Job, JobStore
from service.jobs.worker import JobContext, JobWorker
from service.settings import Settings
from service.store.db import make_engine, migrate
from tests.conftest import SEEDS, TRIGLOT


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = make_engine(db_url)
    migrate(eng)
    yield eng
    eng.dispose()


def _wait_for(store: JobStore, job_id: int, *states: str, timeout_s: float = 10) -> Job:
    deadline = time.monotonic() + timeout_s
    while True:
        job = store.get(job_id)
        if job.state in states:
            return job
        if time.monotonic() > deadline:
            pytest.fail(f"job {job_id} is {job.state}, not {states}")
        time.sleep(0.02)


def _counting(steps: int, gate: threading.Event | None = None) -> Any:
    def run(ctx: JobContext) -> dict[str, Any]:
        for i in range(steps):
            if gate is not None:
                gate.wait(5)
            ctx.partial = {"done": i}
            ctx.progress(i + 1, steps)
        return {"steps": steps, "params": ctx.job.params}

    return run


def test_a_job_runs_reports_progress_and_keeps_its_result(engine: Engine) -> None:
    store = JobStore(engine)
    worker = JobWorker(store, {"count": _counting(3)}, poll_s=0.05)
    job = store.submit("count", {"n": 1}, created_by="alice")
    assert (job.state, job.done, job.total) == ("queued", 0, None)
    worker.start()
    try:
        done = _wait_for(store, job.id, "done")
    finally:
        worker.stop()
    assert (done.done, done.total, done.result) == (3, 3, {"steps": 3, "params": {"n": 1}})
    assert done.started_at is not None
    assert done.finished_at is not None
    assert done.created_by == "alice"
    jobs, total = store.list()
    assert (total, [j.id for j in jobs]) == (1, [job.id])


def test_cancel_a_queued_and_a_running_job(engine: Engine) -> None:
    store = JobStore(engine)
    gate = threading.Event()
    worker = JobWorker(store, {"count": _counting(100, gate)}, poll_s=0.05)
    running = store.submit("count", {}, created_by="x")
    queued = store.submit("count", {}, created_by="x")
    assert store.cancel(queued.id).state == "cancelled"  # at once: it never starts
    worker.start()
    try:
        _wait_for(store, running.id, "running")
        store.cancel(running.id)
        gate.set()
        job = _wait_for(store, running.id, "cancelled")
    finally:
        worker.stop()
    assert job.done < 100
    assert job.result == {"done": job.done - 1} or job.result == {"done": job.done}
    assert store.get(queued.id).started_at is None


def test_a_failing_job_is_recorded_and_the_worker_goes_on(engine: Engine) -> None:
    def boom(ctx: JobContext) -> dict[str, Any]:
        raise ValueError("no such proposal")

    store = JobStore(engine)
    worker = JobWorker(store, {"boom": boom, "count": _counting(1)}, poll_s=0.05)
    bad = store.submit("boom", {}, created_by="x")
    unknown = store.submit("nope", {}, created_by="x")
    good = store.submit("count", {}, created_by="x")
    worker.start()
    try:
        assert _wait_for(store, good.id, "done").result is not None
    finally:
        worker.stop()
    assert store.get(bad.id).error == "no such proposal"
    assert store.get(bad.id).state == "failed"
    assert store.get(unknown.id).error == "unknown job kind 'nope'"


def test_stopping_puts_the_job_back_and_a_restart_resumes_it(engine: Engine) -> None:
    store = JobStore(engine)
    gate = threading.Event()
    worker = JobWorker(store, {"count": _counting(50, gate)}, poll_s=0.05)
    job = store.submit("count", {}, created_by="x")
    worker.start()
    _wait_for(store, job.id, "running")
    stopper = threading.Thread(target=worker.stop)
    stopper.start()
    gate.set()
    stopper.join(10)
    assert store.get(job.id).state == "queued"  # nothing runs after shutdown
    again = JobWorker(store, {"count": _counting(50)}, poll_s=0.05)
    again.start()
    try:
        assert _wait_for(store, job.id, "done").result == {"steps": 50, "params": {}}
    finally:
        again.stop()


def test_a_job_left_running_by_a_dead_process_is_picked_up_again(engine: Engine) -> None:
    dead = JobStore(engine, stale_after=0.2)
    job = dead.submit("count", {}, created_by="x")
    claimed = dead.claim()  # the process that claimed it dies without a word
    assert claimed is not None
    assert claimed.id == job.id
    assert dead.claim() is None  # still running as far as anyone knows
    time.sleep(0.3)  # its heartbeat grows old
    store = JobStore(engine, stale_after=0.2)
    worker = JobWorker(store, {"count": _counting(2)}, poll_s=0.05)
    worker.start()
    try:
        assert _wait_for(store, job.id, "done").done == 2
    finally:
        worker.stop()


def test_jobs_api(tmp_path: Path, db_url: str) -> None:
    settings = Settings(data_dir=tmp_path / "data", seeds_dir=SEEDS, database_url=db_url)
    with TestClient(create_app(settings)) as client:
        store: JobStore = client.app.state.services.jobs  # type: ignore[attr-defined]
        job = store.submit("no-such-kind", {"a": 1}, created_by="alice")
        body = _wait_for(store, job.id, "failed")
        res = client.get(f"/jobs/{job.id}").json()
        assert res["state"] == "failed"
        assert res["error"] == body.error
        assert res["progress"] == {"done": 0, "total": None}
        listing = client.get("/jobs", params={"state": "failed"}).json()
        assert listing["total"] == 1
        assert "result" not in listing["items"][0]
        assert client.get("/jobs", params={"state": "sleeping"}).status_code == 422
        assert client.get("/jobs/999").status_code == 404
        assert client.post(f"/jobs/{job.id}/cancel").json()["code"] == "job_finished"


def test_jobs_need_a_key_when_keys_are_on(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", api_keys=True)
    with TestClient(create_app(settings)) as client:
        assert client.get("/jobs").status_code == 401
        _key, secret = client.app.state.services.keys.add("ops")  # type: ignore[attr-defined]
        assert client.get("/jobs", headers={"X-API-Key": secret}).json()["total"] == 0


@pytest.mark.slow
def test_cli_jobs_list_cancel_and_run(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {**os.environ, "TRIGLOT_DATA_DIR": str(data)}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [TRIGLOT, "jobs", *args], env=env, capture_output=True, text=True, check=False
        )

    empty = run("list")
    assert (empty.returncode, empty.stderr.strip()) == (0, "no jobs")
    engine = make_engine(f"sqlite:///{data / 'triglot.db'}")
    try:
        store = JobStore(engine)
        queued = store.submit("retranslate", {"glossary": "vn-government-news"}, created_by="cli")
        other = store.submit("count", {}, created_by="cli")
    finally:
        engine.dispose()
    assert run("cancel", str(other.id)).stdout.strip() == f"job {other.id}: cancelled"
    listing = run("list").stdout.splitlines()
    assert listing[0].startswith(f"{other.id}\tcount\tcancelled\t0/?\tcli\t")
    assert listing[1].startswith(f"{queued.id}\tretranslate\tqueued\t0/?")
    ran = run("run")  # nothing stale: done at once
    assert ran.stdout.strip() == f"job {queued.id}\tretranslate\tdone", ran.stderr
    missing = run("cancel", "999")
    assert (missing.returncode, missing.stderr.strip()) == (65, "triglot: no job 999")
    assert run("list", "--state", "nope").returncode == 2
