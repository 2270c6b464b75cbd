"""The `triglot` command as a user runs it (the installed console script, in a subprocess)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEEDS, TRIGLOT, live_server, make_key


def run(
    *args: str, data_dir: Path, cwd: Path = ROOT, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TRIGLOT_DATA_DIR": str(data_dir), **(env or {})}
    return subprocess.run(
        [TRIGLOT, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
        check=False,
    )


def test_analyze_json_on_one_seed(tmp_path: Path) -> None:
    res = run("analyze", str(SEEDS / "000_73caa743acbd0cff.txt"), "--json", data_dir=tmp_path)
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert set(out) >= {"meta", "segments", "pairs"}
    assert out["meta"]["outlet"] == "VTV"
    assert out["segments"][0] == out["segments"][0] | {"kind": "headline", "lang": "fr", "line": 1}


def test_analyze_fills_pairs_and_pairs_a_page_with_its_version(tmp_path: Path) -> None:
    res = run("analyze", str(SEEDS / "004_606bed8f58cb9dd9.txt"), "--json", data_dir=tmp_path)
    pairs = json.loads(res.stdout)["pairs"]
    assert [p["vi_unit"]["kind"] for p in pairs] == ["caption", "slug"]
    vi_page = ROOT / "tests" / "fixtures" / "pages" / "vi_004_original.txt"
    res = run(
        "analyze",
        str(vi_page),
        str(SEEDS / "004_606bed8f58cb9dd9.txt"),
        "--json",
        data_dir=tmp_path,
    )
    assert res.returncode == 0, res.stderr
    cross = [p for p in json.loads(res.stdout)["pairs"] if p["method"] == "cross-page"]
    assert [(p["vi_unit"]["kind"], p["fr_unit"]["kind"]) for p in cross[:3]] == [
        ("headline", "headline"),
        ("lead", "lead"),
        ("paragraph", "paragraph"),
    ]
    assert all(p["vi_file"] == str(vi_page) for p in cross)


def test_align_prints_vecalign_beads(tmp_path: Path) -> None:
    src = tmp_path / "a.fr"
    tgt = tmp_path / "a.vi"
    src.write_text(
        "Le Premier ministre a reçu 12 ambassadeurs à Hanoï.\nPartager\n"
        "Les deux pays ont signé 3 accords sur l'énergie.\n",
        encoding="utf-8",
    )
    tgt.write_text(
        "Thủ tướng đã tiếp 12 đại sứ tại Hà Nội.\nHai nước đã ký 3 hiệp định về năng lượng.\n",
        encoding="utf-8",
    )
    res = run(
        "align", str(src), str(tgt), "--src-lang", "fr", "--tgt-lang", "vi", data_dir=tmp_path
    )
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert [line.rsplit(":", 1)[0] for line in lines] == ["[0]:[0]", "[1]:[]", "[2]:[1]"]
    assert all(0 <= float(line.rsplit(":", 1)[1]) <= 1 for line in lines)
    swapped = run("align", str(tgt), str(src), data_dir=tmp_path)
    assert swapped.returncode == 65
    assert "reads as 'vi', not the declared 'fr'" in swapped.stderr
    empty = tmp_path / "empty"
    empty.write_text("")
    res = run("align", str(empty), str(tgt), data_dir=tmp_path)
    assert res.returncode == 0
    assert [line.rsplit(":", 1)[0] for line in res.stdout.split()] == ["[]:[0]", "[]:[1]"]
    assert f"{empty} is empty: every line of the other file is unmatched" in res.stderr


def test_analyze_several_files_and_url_option(tmp_path: Path) -> None:
    res = run(
        "analyze", *(str(p) for p in sorted(SEEDS.glob("*.txt"))), "--json", data_dir=tmp_path
    )
    assert res.returncode == 0, res.stderr
    assert [d["meta"]["outlet"] for d in json.loads(res.stdout)["documents"]] == [
        "VTV",
        "Báo Chính Phủ",
    ]
    page = tmp_path / "p.txt"
    page.write_text("Titre\n\nUn paragraphe.\n", encoding="utf-8")
    res = run(
        "analyze",
        str(page),
        "--url",
        "https://vtv.vn/a-b-c-100251025124908738.htm",
        "--json",
        data_dir=tmp_path,
    )
    assert json.loads(res.stdout)["meta"]["slug"] == "a-b-c"


@pytest.mark.parametrize(
    ("content", "code", "message"),
    [
        ("Café".encode("latin-1"), 65, "not UTF-8 text (byte 0xe9 at offset 3"),
        (b"\n \n", 65, "the page is empty"),
        (b"x" * 2_000_001, 65, "over the page size limit of 2000000 bytes"),
    ],
    ids=["not-utf8", "empty", "too-large"],
)
def test_analyze_bad_input(tmp_path: Path, content: bytes, code: int, message: str) -> None:
    page = tmp_path / "bad.txt"
    page.write_bytes(content)
    res = run("analyze", str(page), data_dir=tmp_path)
    assert res.returncode == code
    assert message in res.stderr
    assert str(page) in res.stderr
    assert res.stdout == ""


def test_analyze_missing_file(tmp_path: Path) -> None:
    res = run("analyze", str(tmp_path / "nope.txt"), data_dir=tmp_path)
    assert res.returncode == 66
    assert "no such file" in res.stderr


def test_invalid_setting_fails_loudly(tmp_path: Path) -> None:
    env = {**os.environ, "TRIGLOT_MAX_PAGE_BYTES": "-5"}
    res = subprocess.run(
        [TRIGLOT, "analyze", str(SEEDS / "000_73caa743acbd0cff.txt")],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert res.returncode == 78
    assert "TRIGLOT_MAX_PAGE_BYTES" in res.stderr


def test_ingest_stores_good_pages_and_reports_bad_ones(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    for seed in SEEDS.glob("*.txt"):
        shutil.copy(seed, pages / seed.name)
    (pages / "latin1.txt").write_bytes("Été".encode("latin-1"))
    data = tmp_path / "data"
    res = run("ingest", str(pages), data_dir=data)
    assert res.returncode == 1, res.stderr  # some failed, the rest stored
    assert "latin1.txt: not UTF-8 text" in res.stderr
    assert "2 stored, 0 already stored, 1 failed" in res.stderr
    again = run("ingest", str(pages / "000_73caa743acbd0cff.txt"), data_dir=data)
    assert again.returncode == 0
    assert "already stored" in again.stdout
    assert run("ingest", str(tmp_path / "missing"), data_dir=data).returncode == 66


MODELS = ROOT / "tests" / "fixtures" / "models"


def test_glossary_import_approve_export(tmp_path: Path) -> None:
    data = tmp_path / "data"
    csv = tmp_path / "terms.csv"
    csv.write_text("Mékong,Mekong\n", encoding="utf-8")
    res = run("glossary", "import", str(csv), "--pair", "fr,en", data_dir=data)
    assert res.returncode == 0, res.stderr
    assert "proposal 1 for vn-government-news (from version 1)" in res.stdout
    assert (
        "version 1\t52 concepts\t1 open proposals" in run("glossary", "list", data_dir=data).stdout
    )
    assert "now at version 2" in run("glossary", "approve", "1", data_dir=data).stdout
    out = tmp_path / "g.tbx"
    res = run("glossary", "export", "--format", "tbx", "--out", str(out), data_dir=data)
    assert "version 2" in res.stdout
    assert b"<term>Mekong</term>" in out.read_bytes()
    bad = tmp_path / "bad.tbx"
    bad.write_bytes(b"<tbx")
    res = run("glossary", "import", str(bad), data_dir=data)
    assert res.returncode == 65
    assert "not well-formed XML" in res.stderr
    limited = {"TRIGLOT_MAX_GLOSSARY_BYTES": "10"}
    res = run("glossary", "import", str(csv), "--pair", "fr,en", data_dir=data, env=limited)
    assert res.returncode == 65
    assert "15 bytes is over the glossary size limit of 10 bytes" in res.stderr


def test_models_install_list_remove(tmp_path: Path) -> None:
    data = tmp_path / "data"
    res = run("models", "install", str(MODELS / "fr_en.argosmodel"), data_dir=data)
    assert res.returncode == 0, res.stderr
    assert "installed translate-fr_en-copyfixture" in res.stdout
    listing = run("models", "list", data_dir=data).stdout
    assert "translate-fr_en-copyfixture\tfr->en\t0.1" in listing
    bad = tmp_path / "bad.argosmodel"
    bad.write_bytes(b"PK not really")
    res = run("models", "install", str(bad), data_dir=data)
    assert res.returncode == 65
    assert "not a zip archive" in res.stderr
    assert run("models", "list", data_dir=data).stdout == listing
    assert run("models", "remove", "translate-fr_en-copyfixture", data_dir=data).returncode == 0
    assert "no packages installed" in run("models", "list", data_dir=data).stderr
    res = run("models", "remove", "nope", data_dir=data)
    assert res.returncode == 65
    assert "no installed package 'nope'" in res.stderr


def test_translate_command_stores_english(tmp_path: Path) -> None:
    data = tmp_path / "data"
    for pair in ("fr_en", "vi_en"):
        assert (
            run("models", "install", str(MODELS / f"{pair}.argosmodel"), data_dir=data).returncode
            == 0
        )
    assert run("ingest", str(SEEDS), data_dir=data).returncode == 0
    res = run("translate", data_dir=data)
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert len(lines) == 2
    assert all("segments translated to en" in line for line in lines)


@pytest.mark.slow
def test_serve_ingests_the_seeds_and_answers(tmp_path: Path) -> None:
    with live_server(tmp_path / "data") as (base, log):
        with urllib.request.urlopen(f"{base}/health", timeout=5) as res:
            assert json.load(res)["documents"] == 2
        with urllib.request.urlopen(f"{base}/documents", timeout=5) as res:
            names = sorted(i["name"] for i in json.load(res)["items"])
        assert names == sorted(p.name for p in SEEDS.glob("*.txt"))
        assert "ingested 2 seed pages" in log.read_text()


@pytest.mark.slow
def test_libretranslatepy_client_against_a_live_server(tmp_path: Path) -> None:
    """The unchanged LibreTranslate client, on a service that requires a key to translate:
    it sends the key as LibreTranslate's api_key parameter."""
    from libretranslatepy import LibreTranslateAPI  # noqa: PLC0415

    data = tmp_path / "data"
    for pair in ("fr_en", "vi_en"):
        run("models", "install", str(MODELS / f"{pair}.argosmodel"), data_dir=data)
    keys = {"TRIGLOT_API_KEYS": "true", "TRIGLOT_TRANSLATE_REQUIRES_KEY": "true"}
    with live_server(data, "--seeds", str(tmp_path), env=keys) as (base, _log):
        client = LibreTranslateAPI(f"{base}/", api_key=make_key(data, "cat-tool"))
        assert {lang["code"] for lang in client.languages(timeout=5)} == {"fr", "vi", "en"}
        text = "Le Premier ministre a reçu les délégués à Hanoï."
        assert client.translate(text, "fr", "en") == text
        vi = "Thủ tướng tiếp các đại biểu."
        assert client.translate(vi, "auto", "en") == vi
        assert client.detect(text)[0]["language"] == "fr"
        with pytest.raises(urllib.error.HTTPError) as refused:
            LibreTranslateAPI(f"{base}/").translate(text, "fr", "en")
        assert refused.value.code == 401
        refused.value.close()
