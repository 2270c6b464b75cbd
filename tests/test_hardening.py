"""Hostile conditions: a process killed mid-ingest, and fuzzed requests against a live server."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import text

from aligner import analyze
from glossary import Concept, Glossary, Term
from glossary.jsonform import from_dict
from glossary.tbx import write_tbx
from service.store.db import make_engine
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


EXCLUDED_CHECKS = (
    # by design: with keys off (the default) reads and translation are open, and credentials
    # sent anyway are ignored, as LibreTranslate does
    "ignored_auth",
    # the schema cannot say what state a valid request needs: a glossary's current version
    # for If-Match (412), names that exist (404 is allowed), the text check (control
    # characters are refused everywhere; schemathesis generates them in every string)
    "positive_data_acceptance",
)
BY_DESIGN = {
    # keys off: a malformed credential beside a valid body is ignored, not refused
    ("POST /detect", "ST201"),
    ("POST /translate", "ST201"),
}


def _failures(report: str) -> set[tuple[str, str]]:
    """(operation, check code) of each failure in schemathesis' report."""
    found: set[tuple[str, str]] = set()
    operation = ""
    for line in report.splitlines():
        head = re.match(r"^_{3,} ((?:GET|POST|PUT|PATCH|DELETE) \S+) _{3,}$", line)
        if head:
            operation = head.group(1)
        code = re.match(r"^- (ST\d+) ", line)
        if code and operation:
            found.add((operation, code.group(1)))
    return found


def schemathesis_command(base: str, examples: int, *, workers: int = 1) -> list[str]:
    """Every check but the documented exclusions, the examples, coverage and fuzzing phases.
    The manual long run (about 30,000 cases) is the same command with ``examples`` 1200:
    ``schemathesis --config-file tests/schemathesis.toml run URL/openapi.json --checks all \
    --exclude-checks ignored_auth,positive_data_acceptance --phases examples,coverage,fuzzing \
    --max-examples 1200 --seed 1``

    One worker: with two, schemathesis' threads parse lambdas' source concurrently (Hypothesis
    describing filters), and CPython 3.11.7's ``ast.parse`` is not safe for that (CPython
    gh-106905, "AST constructor recursion depth mismatch"): a tool crash, not
    a server failure, seen once in CI.
    """
    return [
        str(Path(TRIGLOT).parent / "schemathesis"),
        "--config-file",
        str(ROOT / "tests" / "schemathesis.toml"),
        "run",
        f"{base}/openapi.json",
        "--checks",
        "all",
        "--exclude-checks",
        ",".join(EXCLUDED_CHECKS),
        "--phases",
        "examples,coverage,fuzzing",
        "--max-examples",
        str(examples),
        "--seed",
        "1",
        "--workers",
        str(workers),
        "--continue-on-failure",
    ]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("env", "examples"),
    [
        ({}, 80),
        (  # keys required and a rate limit: the 401s and 429s must match the schema too
            {
                "TRIGLOT_API_KEYS": "true",
                "TRIGLOT_TRANSLATE_REQUIRES_KEY": "true",
                "TRIGLOT_RATE_LIMIT": "600",
            },
            30,
        ),
    ],
    ids=["open", "keys-and-limits"],
)
def test_fuzzed_requests_get_no_server_error_and_answers_match_the_schema(
    tmp_path: Path, env: dict[str, str], examples: int
) -> None:
    """Schemathesis over the whole OpenAPI spec against a live server with the fixture
    packages: every check but the documented exclusions (``EXCLUDED_CHECKS``), examples,
    coverage and fuzzing phases, at least 2,000 cases in the open run; no failure but the
    by-design ones (``BY_DESIGN``)."""
    data = tmp_path / "data"
    models = ROOT / "tests" / "fixtures" / "models"
    for pair in ("fr_en", "vi_en"):
        subprocess.run(
            [TRIGLOT, "models", "install", str(models / f"{pair}.argosmodel")],
            env={**os.environ, "TRIGLOT_DATA_DIR": str(data)},
            check=True,
            capture_output=True,
        )
    with live_server(data, env=env) as (base, log):
        res = subprocess.run(
            schemathesis_command(base, examples),
            capture_output=True,
            text=True,
            check=False,
            timeout=1500,
            cwd=tmp_path,  # its cache of crashes stays out of the repository
        )
        failures = _failures(res.stdout)
        assert failures <= BY_DESIGN, res.stdout[-6000:] + log.read_text()[-3000:]
        assert res.returncode == 0 or failures, res.stdout[-6000:]
        operations = re.search(r"Selected:\s+(\d+)", res.stdout) or re.search(
            r"Operations:\s+(\d+) selected", res.stdout
        )
        cases = re.search(r"(\d+) generated", res.stdout)
        assert operations is not None, res.stdout[-2000:]
        assert cases is not None, res.stdout[-2000:]
        assert int(operations.group(1)) >= 27
        if not env:
            assert int(cases.group(1)) >= 2000, res.stdout[-2000:]
        assert "Traceback" not in log.read_text()


def _post(url: str, headers: dict[str, str], body: dict[str, object] | None = None) -> int:
    req = urllib.request.Request(
        url,
        data=json.dumps(body or {}).encode(),
        headers={"Content-Type": "application/json", **headers},
        method="POST",
    )
    try:
        with urllib.request.urlopen(req, timeout=60) as res:
            return int(res.status)
    except urllib.error.HTTPError as exc:
        exc.close()
        return int(exc.code)


@pytest.mark.slow
def test_concurrent_glossary_changes_never_lose_an_update(tmp_path: Path, db_url: str) -> None:
    """Sixteen reviewers approve sixteen proposals, all made from version 1, at the same
    moment against a live server: exactly one wins, the others get 412, and the glossary holds
    exactly the winner's change. Then rounds of racing approvals and rollbacks: the version
    numbers stay gapless and every approved proposal is exactly one version."""
    name, n = "vn-government-news", 16
    with live_server(tmp_path / "data", env={"TRIGLOT_DATABASE_URL": db_url}) as (base, _log):
        proposals = []
        for i in range(n):
            edit = {"upsert": [{"id": f"c{i}", "terms": [{"text": f"terme {i}", "lang": "fr"}]}]}
            req = urllib.request.Request(
                f"{base}/glossaries/{name}/proposals",
                data=json.dumps({"edits": edit, "note": f"reviewer {i}"}).encode(),
                headers={"Content-Type": "application/json", "If-Match": '"v1"'},
            )
            with urllib.request.urlopen(req, timeout=30) as res:
                proposals.append(json.load(res)["id"])
        barrier = threading.Barrier(n)

        def approve(pid: int) -> int:
            barrier.wait()
            return _post(f"{base}/glossaries/{name}/proposals/{pid}/approve", {"If-Match": '"v1"'})

        with ThreadPoolExecutor(n) as pool:
            codes = list(pool.map(approve, proposals))
        assert sorted(codes) == [200] + [412] * (n - 1), codes
        winner = proposals[codes.index(200)]
        with urllib.request.urlopen(f"{base}/glossaries/{name}", timeout=30) as res:
            current = json.load(res)
        assert current["version"] == 2
        added = {c["id"] for c in current["concepts"]} - {c["id"] for c in shipped_concepts()}
        assert added == {f"c{proposals.index(winner)}"}

        def rollback(_i: int) -> int:
            barrier.wait()
            return _post(f"{base}/glossaries/{name}/rollback?to=1", {"If-Match": f'"v{version}"'})

        version = 2
        for _round in range(3):
            with ThreadPoolExecutor(n) as pool:
                codes = list(pool.map(rollback, range(n)))
            assert sorted(codes) == [200] + [412] * (n - 1), codes
            version += 1
        with urllib.request.urlopen(f"{base}/glossaries/{name}/versions", timeout=30) as res:
            numbers = [v["number"] for v in json.load(res)]
        assert numbers == list(range(1, version + 1))

        # approvals and rejections of one proposal at once: one decision wins, whole
        req = urllib.request.Request(
            f"{base}/glossaries/{name}/proposals",
            data=json.dumps({"edits": {"remove": ["gdp"]}}).encode(),
            headers={"Content-Type": "application/json", "If-Match": f'"v{version}"'},
        )
        with urllib.request.urlopen(req, timeout=30) as res:
            pid = json.load(res)["id"]

        def decide(i: int) -> int:
            barrier.wait()
            verb = "approve" if i % 2 else "reject"
            url = f"{base}/glossaries/{name}/proposals/{pid}/{verb}"
            return _post(url, {"If-Match": f'"v{version}"'})

        with ThreadPoolExecutor(n) as pool:
            codes = list(pool.map(decide, range(n)))
        assert codes.count(200) == 1, codes
        assert set(codes) <= {200, 409, 412}, codes
        with urllib.request.urlopen(f"{base}/glossaries/{name}/proposals/{pid}", timeout=30) as res:
            decided = json.load(res)
        with urllib.request.urlopen(f"{base}/glossaries/{name}/versions", timeout=30) as res:
            versions = json.load(res)
        if decided["status"] == "approved":
            assert versions[-1] == {**versions[-1], "number": version + 1, "proposal_id": pid}
        else:
            assert decided["status"] == "rejected"
            assert versions[-1]["number"] == version


def shipped_concepts() -> list[dict[str, object]]:
    from glossary.jsonform import to_dict  # noqa: PLC0415
    from glossary.tsv import shipped  # noqa: PLC0415

    concepts: list[dict[str, object]] = to_dict(shipped())["concepts"]
    return concepts


def _glossary_is_consistent(db_url: str, n_concepts: int) -> tuple[int, int]:
    """Check the glossary tables' invariants; returns (proposals, current version)."""
    engine = make_engine(db_url)
    try:
        with engine.connect() as db:
            (current,) = db.execute(text("SELECT current_version FROM glossaries")).one()
            numbers = db.execute(
                text("SELECT number FROM glossary_versions ORDER BY number")
            ).scalars()
            assert list(numbers) == list(range(1, current + 1))
            proposals = db.execute(
                text("SELECT id, status, result_version, content FROM glossary_proposals")
            ).all()
            for pid, status, result, content in proposals:
                data = json.loads(content) if isinstance(content, str) else content
                assert len(from_dict(data).concepts) == n_concepts  # stored whole
                linked = db.execute(
                    text("SELECT number FROM glossary_versions WHERE proposal_id = :p"),
                    {"p": pid},
                ).scalars()
                assert list(linked) == ([result] if status == "approved" else [])
            return len(proposals), current
    finally:
        engine.dispose()


@pytest.mark.slow
def test_sigkill_during_glossary_import_and_approval_leaves_it_whole(
    tmp_path: Path, db_url: str
) -> None:
    """`triglot glossary import` of a 5,000-concept TBX file, then `glossary approve`, each
    killed (SIGKILL) at several moments spread over a full run: after every kill the proposal
    is absent or whole, versions are gapless, and an approval is a version or nothing."""
    n = 5_000
    glossary = Glossary(
        "vn-government-news",
        tuple(
            Concept(f"c{i}", (Term(f"terme numéro {i}", "fr"), Term(f"term number {i}", "en")))
            for i in range(n)
        ),
    )
    tbx = tmp_path / "big.tbx"
    tbx.write_bytes(write_tbx(glossary))
    env = {**os.environ, "TRIGLOT_DATA_DIR": str(tmp_path / "data"), "TRIGLOT_DATABASE_URL": db_url}

    def run(*args: str, kill_after: float | None = None) -> float:
        start = time.monotonic()
        proc = subprocess.Popen(
            [TRIGLOT, "glossary", *args],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if kill_after is None:
            assert proc.wait(timeout=120) == 0
        else:
            try:
                proc.wait(timeout=kill_after)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        return time.monotonic() - start

    subprocess.run([TRIGLOT, "glossary", "list"], env=env, check=True, capture_output=True)
    full = run("import", "--replace", str(tbx))  # how long a whole import takes here
    assert _glossary_is_consistent(db_url, n) == (1, 1)
    for k in range(6):
        run("import", "--replace", str(tbx), kill_after=full * (0.3 + 0.13 * k))
        _glossary_is_consistent(db_url, n)
    proposals, version = _glossary_is_consistent(db_url, n)
    full = run("approve", "1")
    assert _glossary_is_consistent(db_url, n)[1] == version + 1
    for k in range(3):  # approvals of proposals made from the current version, killed
        run("import", "--replace", str(tbx))
        proposals, version = _glossary_is_consistent(db_url, n)
        run("approve", str(proposals), kill_after=full * (0.5 + 0.2 * k))
        _, after = _glossary_is_consistent(db_url, n)
        assert after in (version, version + 1)


@pytest.mark.slow
def test_concurrent_writes_of_the_same_document_and_translations(
    tmp_path: Path, db_url: str
) -> None:
    """Eight clients post the same page at once: one 201, seven 200, one document. Then eight
    clients ask for its English at once: every request succeeds and the stored translations
    are one complete set, not a mixture or a duplicate."""
    data, n = tmp_path / "data", 8
    models = ROOT / "tests" / "fixtures" / "models"
    env = {**os.environ, "TRIGLOT_DATA_DIR": str(data), "TRIGLOT_DATABASE_URL": db_url}
    for pair in ("fr_en", "vi_en"):
        subprocess.run(
            [TRIGLOT, "models", "install", str(models / f"{pair}.argosmodel")],
            env=env,
            check=True,
            capture_output=True,
        )
    page = (SEEDS / "004_606bed8f58cb9dd9.txt").read_text(encoding="utf-8")
    barrier = threading.Barrier(n)
    with live_server(data, "--seeds", str(tmp_path), env={"TRIGLOT_DATABASE_URL": db_url}) as (
        base,
        _log,
    ):

        def post_page(_i: int) -> int:
            barrier.wait()
            return _post(f"{base}/documents", {}, {"text": page})

        with ThreadPoolExecutor(n) as pool:
            codes = sorted(pool.map(post_page, range(n)))
        assert codes == [200] * (n - 1) + [201]
        with urllib.request.urlopen(f"{base}/documents", timeout=30) as res:
            listing = json.load(res)
        assert listing["total"] == 1
        doc_id = listing["items"][0]["id"]

        def translate(_i: int) -> int:
            barrier.wait()
            return _post(f"{base}/documents/{doc_id}/translations", {})

        with ThreadPoolExecutor(n) as pool:
            codes = list(pool.map(translate, range(n)))
        assert codes == [201] * n
        engine = make_engine(db_url)
        with engine.connect() as db:
            rows = db.execute(
                text("SELECT segment_idx FROM translations WHERE document_id = :d"), {"d": doc_id}
            ).scalars()
            idxs = sorted(rows)
        engine.dispose()
        assert idxs == sorted(set(idxs))
        assert len(idxs) > 20


@pytest.mark.slow
def test_sigkill_during_a_package_install_leaves_it_whole_or_absent(tmp_path: Path) -> None:
    """`triglot models install` killed at moments spread over a full run: afterwards the
    package is either absent or complete (it translates), never half extracted."""
    from service.mt.argos import ArgosEngine  # noqa: PLC0415

    fixture = ROOT / "tests" / "fixtures" / "models" / "fr_en.argosmodel"
    data = tmp_path / "data"
    env = {**os.environ, "TRIGLOT_DATA_DIR": str(data)}
    start = time.monotonic()
    subprocess.run([TRIGLOT, "models", "install", str(fixture)], env=env, check=True)
    full = time.monotonic() - start
    seen = set()
    for k in range(8):
        shutil.rmtree(data / "packages", ignore_errors=True)
        proc = subprocess.Popen(
            [TRIGLOT, "models", "install", str(fixture)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            proc.wait(timeout=full * (0.4 + 0.1 * k))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        installed = [p for p in (data / "packages").glob("*") if not p.name.startswith(".")]
        seen.add(len(installed))
        if installed:
            engine = ArgosEngine(data / "packages", data / "argos")
            [done] = engine.translate(["Bonjour."], src_lang="fr", tgt_lang="en")
            assert done.text == "Bonjour."
    assert 0 in seen  # some kills landed before the install was complete
