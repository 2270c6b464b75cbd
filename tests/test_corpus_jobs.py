"""Corpus work as durable jobs (``POST /corpus/ingest``, ``POST /corpus/translate``,
``triglot jobs ingest|translate|run|show``): an archive of pages is checked, then ingested by
the job worker with progress; the stored corpus is translated through the real Argos path
(the copy-model fixture packages); jobs are cancelled, and resumed after the process running
them is killed. Bad archives (a path leaving the archive, a link, too many or too large
pages, not an archive) get a clear 4xx JSON answer and queue nothing."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import tarfile
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.align.archive import ArchiveLimits, check_archive, read_pages
from service.api.app import create_app
from service.errors import BadInputError, TooLargeError, UnsupportedMediaError
from service.jobs.store import JobStore
from service.mt.packages import install_file
from service.settings import Settings
from service.store.db import make_engine
from service.store.documents import DocumentStore
from tests.conftest import ROOT, TRIGLOT

CORPUS = ROOT / "corpus"
MODELS = ROOT / "tests" / "fixtures" / "models"
PAGES = sorted(CORPUS.glob("*/*.txt"))


def _pages(n: int) -> list[tuple[str, bytes]]:
    """``n`` distinct pages: corpus pages in turn, each with a numbered line added."""
    out = []
    for k in range(n):
        src = PAGES[k % len(PAGES)]
        marker = "Mã số" if src.name.endswith(".vi.txt") else "Réf."
        text = f"{src.read_text(encoding='utf-8').rstrip()}\n\n{marker} {k}\n"
        out.append((f"pages/{k:04d}-{src.name}", text.encode()))
    return out


def _zip(entries: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries:
            zf.writestr(name, data)
    return buf.getvalue()


def _targz(entries: list[tuple[str, bytes]], *, link: str | None = None) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        for name, data in entries:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
        if link is not None:
            info = tarfile.TarInfo(link)
            info.type, info.linkname = tarfile.SYMTYPE, "/etc/passwd"
            tf.addfile(info)
    return buf.getvalue()


LIMITS = ArchiveLimits(max_entries=5, max_entry_bytes=1000, max_unpacked_bytes=2500)
SMALL = [(f"p{k}.txt", b"Le Premier ministre.\n" * 10) for k in range(3)]  # 210 bytes each


@pytest.mark.parametrize(
    ("what", "data", "error", "message"),
    [
        ("not an archive", b"Le Premier ministre.\n", UnsupportedMediaError, "not a .zip"),
        ("a truncated zip", _zip(SMALL)[:60], BadInputError, "cannot be read"),
        ("zip climbing out", _zip([("../evil.txt", b"x")]), BadInputError, "outside"),
        ("tar from the root", _targz([("/etc/evil.txt", b"x")]), BadInputError, "outside"),
        ("zip, Windows path", _zip([("..\\evil.txt", b"x")]), BadInputError, "outside"),
        ("tar with a link", _targz(SMALL, link="p9.txt"), BadInputError, "a link"),
        (
            "too many pages",
            _zip([(f"n{k}.txt", b"z") for k in range(6)]),
            TooLargeError,
            "more than 5 pages",
        ),
        ("a page too large", _zip([("big.txt", b"x" * 1001)]), TooLargeError, "big.txt"),
        (
            "too much unpacked",
            _targz([(f"q{k}.txt", b"y" * 900) for k in range(3)]),
            TooLargeError,
            "more than 2500 bytes unpacked",
        ),
        ("no page in it", _zip([("a.png", b"x"), ("d/", b"")]), BadInputError, "no pages"),
    ],
)
def test_bad_archives_are_refused_with_the_reason(
    tmp_path: Path, what: str, data: bytes, error: type[Exception], message: str
) -> None:
    path = tmp_path / "a.archive"
    path.write_bytes(data)
    with pytest.raises(error, match=message):
        check_archive(path, LIMITS)


@pytest.mark.parametrize("pack", [_zip, _targz])
def test_pages_are_listed_and_read_others_skipped(tmp_path: Path, pack: Any) -> None:
    path = tmp_path / "a.archive"
    path.write_bytes(pack([*SMALL, ("img/a.png", b"x"), ("x.HTML", b"<p>Bonjour</p>")]))
    listing = check_archive(path, LIMITS)
    assert listing.pages == ("p0.txt", "p1.txt", "p2.txt", "x.HTML")
    assert listing.skipped == 1
    assert listing.unpacked_bytes == 3 * 210 + 14
    read = list(read_pages(path, listing.kind, max_entry_bytes=1000, skip=2))
    assert read == [("p2.txt", SMALL[2][1]), ("x.HTML", b"<p>Bonjour</p>")]


def _settings(data: Path, **extra: Any) -> Settings:
    for model in MODELS.glob("*.argosmodel"):
        install_file(model, data / "packages")
    return Settings(data_dir=data, **extra)


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = _settings(tmp_path / "data", max_archive_bytes=400_000, max_archive_entries=100)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def _wait(client: TestClient, job_id: int, *states: str, timeout_s: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while True:
        job: dict[str, Any] = client.get(f"/jobs/{job_id}").json()
        if job["state"] in states:
            return job
        if time.monotonic() > deadline:
            pytest.fail(f"job {job_id} is {job['state']}, not {states}: {job}")
        time.sleep(0.05)


def test_ingest_an_archive_then_translate_the_corpus_as_jobs(client: TestClient) -> None:
    entries = [*_pages(4), ("pages/empty.txt", b""), ("notes/readme.md", b"not a page")]
    res = client.post("/corpus/ingest", params={"name": "four.zip"}, content=_targz(entries))
    assert res.status_code == 202, res.text
    job = res.json()
    assert res.headers["Location"] == f"/jobs/{job['id']}"
    assert (job["kind"], job["progress"]) == ("ingest-archive", {"done": 0, "total": 5})
    assert job["params"]["skipped_entries"] == 1
    done = _wait(client, job["id"], "done")
    assert done["progress"] == {"done": 5, "total": 5}
    result = done["result"]
    assert (result["stored"], result["created"], result["failed"]) == (4, 4, 1)
    assert result["failures"][0]["entry"] == "pages/empty.txt"
    listed = client.get("/documents").json()
    assert listed["total"] == 4
    assert {d["name"] for d in listed["items"]} == {Path(n).name for n, _ in _pages(4)}
    archives = client.app.state.services.settings.data_dir / "archives"  # type: ignore[attr-defined]
    assert list(archives.iterdir()) == []  # the archive is deleted once ingested

    # The stored corpus translated, then again: nothing is left without English.
    res = client.post("/corpus/translate", json={"target": "en", "glossary": "none"})
    assert res.status_code == 202, res.text
    done = _wait(client, res.json()["id"], "done")
    assert done["progress"] == {"done": 4, "total": 4}
    assert (done["result"]["documents"], done["result"]["failed"]) == (4, 0)
    assert done["result"]["segments"] > 20
    for doc in listed["items"]:
        english = client.get(f"/documents/{doc['id']}/translations", params={"target": "en"})
        assert english.status_code == 200
        assert english.json()["translations"], doc
    again = client.post("/corpus/translate", json={"target": "en"}).json()
    assert _wait(client, again["id"], "done")["result"]["documents"] == 0
    everything = client.post("/corpus/translate", json={"scope": "all", "glossary": "none"})
    assert _wait(client, everything.json()["id"], "done")["result"]["documents"] == 4


def test_bad_requests_get_clear_json_errors_and_queue_nothing(client: TestClient) -> None:
    cases = [
        (b"", 422, "body: empty"),
        (b"Le Premier ministre.\n", 415, "not a .zip or .tar.gz"),
        (_zip([("../../etc/cron.d/x.txt", b"x")]), 422, "points outside the archive"),
        (_targz([("ok.txt", b"x")], link="evil.txt"), 422, "is a link"),
        (_zip(_pages(101)), 413, "more than 100 pages"),
        (b"PK\x03\x04" + b"\x00" * 400_000, 413, "TRIGLOT_MAX_ARCHIVE_BYTES"),
    ]
    for body, status, message in cases:
        res = client.post("/corpus/ingest", content=body)
        assert res.status_code == status, (message, res.text)
        assert res.headers["content-type"].startswith("application/json")
        assert message in res.json()["error"], res.json()
    for body, status in [
        ({"target": "xx"}, 400),
        ({"scope": "some"}, 422),
        ({"glossary": "no-such-glossary"}, 404),
        ({"target": "en", "extra": 1}, 422),
    ]:
        res = client.post("/corpus/translate", json=body)
        assert res.status_code == status, (body, res.text)
        assert res.json()["code"]
    assert client.get("/jobs").json()["total"] == 0
    archives = client.app.state.services.settings.data_dir / "archives"  # type: ignore[attr-defined]
    assert not archives.exists() or list(archives.iterdir()) == []


def test_corpus_jobs_need_a_key_when_keys_are_on(tmp_path: Path) -> None:
    settings = _settings(tmp_path / "data", api_keys=True)
    with TestClient(create_app(settings)) as client:
        assert client.post("/corpus/ingest", content=_zip(_pages(1))).status_code == 401
        assert client.post("/corpus/translate", json={}).status_code == 401
        _key, secret = client.app.state.services.keys.add("ops")  # type: ignore[attr-defined]
        res = client.post("/corpus/ingest", content=_zip(_pages(1)), headers={"X-API-Key": secret})
        assert res.status_code == 202
        assert res.json()["created_by"] == "ops"


def test_cancel_a_running_ingest_keeps_what_is_stored(client: TestClient) -> None:
    job = client.post("/corpus/ingest", content=_zip(_pages(80))).json()
    deadline = time.monotonic() + 60
    while client.get(f"/jobs/{job['id']}").json()["progress"]["done"] < 3:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    assert client.post(f"/jobs/{job['id']}/cancel").status_code == 200
    cancelled = _wait(client, job["id"], "cancelled")
    stored = client.get("/documents").json()["total"]
    assert 3 <= stored < 80
    assert cancelled["result"]["stored"] == stored  # the partial result says what is done
    assert client.post(f"/jobs/{job['id']}/cancel").status_code == 409


def _store(data: Path) -> tuple[JobStore, DocumentStore, Any]:
    engine = make_engine(f"sqlite:///{data / 'triglot.db'}")
    return JobStore(engine), DocumentStore(engine), engine


@pytest.mark.slow
def test_a_killed_worker_leaves_the_job_to_resume_where_it_stopped(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _settings(data)
    env = {**os.environ, "TRIGLOT_DATA_DIR": str(data), "TRIGLOT_JOBS_STALE_AFTER_S": "2"}
    archive = tmp_path / "pages.zip"
    archive.write_bytes(_zip(_pages(60)))

    def triglot(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [TRIGLOT, "jobs", *args], env=env, capture_output=True, text=True, check=False
        )

    submitted = triglot("ingest", str(archive))
    assert submitted.returncode == 0, submitted.stderr
    job_id = int(submitted.stdout.split()[1])
    assert submitted.stdout.split("\t")[1:] == ["ingest-archive", "queued", "60 pages\n"]

    worker = subprocess.Popen(
        [TRIGLOT, "jobs", "run"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    jobs, documents, engine = _store(data)
    try:
        deadline = time.monotonic() + 120
        while jobs.get(job_id).done < 10:
            assert worker.poll() is None, "the worker ended before it was killed"
            assert time.monotonic() < deadline
            time.sleep(0.02)
        worker.send_signal(signal.SIGKILL)  # a crash: no chance to put the job back
        worker.wait(10)
        crashed = jobs.get(job_id)
        assert crashed.state == "running"
        assert 10 <= crashed.done < 60
        assert 10 <= documents.count() <= crashed.done + 1  # what was stored stays stored
        time.sleep(2.2)  # its heartbeat grows old: any worker takes the job again

        resumed = triglot("run")
        assert resumed.returncode == 0, resumed.stderr
        assert resumed.stdout.startswith(f"job {job_id}\tingest-archive\tdone")
        job = jobs.get(job_id)
        assert (job.done, job.total) == (60, 60)
        assert job.result is not None
        assert job.result["resumed_at"] == crashed.done
        assert job.result["stored"] == 60 - crashed.done
        assert documents.count() == 60  # every page once
        assert not (data / "archives").exists() or not list((data / "archives").iterdir())

        shown = triglot("show", str(job_id))
        assert '"state": "done"' in shown.stdout
        queued = triglot("translate", "--glossary", "none")
        assert queued.returncode == 0, queued.stderr
        assert triglot("run").stdout.startswith(f"job {job_id + 1}\ttranslate-corpus\tdone")
        assert jobs.get(job_id + 1).done == 60
    finally:
        if worker.poll() is None:
            worker.kill()
        engine.dispose()


@pytest.mark.slow
def test_cli_refuses_a_bad_archive_naming_why(tmp_path: Path) -> None:
    env = {**os.environ, "TRIGLOT_DATA_DIR": str(tmp_path / "data")}
    bad = tmp_path / "bad.zip"
    bad.write_bytes(_zip([("../evil.txt", b"x")]))
    for args, code, message in [
        ([str(bad)], 65, "points outside the archive"),
        ([str(tmp_path / "missing.zip")], 66, "missing.zip"),
    ]:
        run = subprocess.run(
            [TRIGLOT, "jobs", "ingest", *args], env=env, capture_output=True, text=True, check=False
        )
        assert run.returncode == code, run.stderr
        assert message in run.stderr


@pytest.mark.parametrize("content_type", ["application/zip", "application/octet-stream", None])
def test_the_archive_is_recognised_by_its_bytes_whatever_the_type(
    client: TestClient, content_type: str | None
) -> None:
    """The schema offers zip, gzip and octet-stream (generic clients send the last); the
    route reads the bytes, so each is taken the same way and a page sent as zip is refused."""
    headers = {"Content-Type": content_type} if content_type else {}
    res = client.post("/corpus/ingest", content=_zip(_pages(2)), headers=headers)
    assert res.status_code == 202, res.text
    assert _wait(client, res.json()["id"], "done")["result"]["stored"] == 2
    not_zip = client.post(
        "/corpus/ingest", content=b"Une page.\n", headers={"Content-Type": "application/zip"}
    )
    assert not_zip.status_code == 415
    assert "not a .zip or .tar.gz" in not_zip.json()["error"]
