"""TMX downloads: valid against the TMX 1.4b DTD, readable by translate-toolkit, filtered."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from lxml import etree
from translate.storage.tmx import tmxfile

from service.api.app import create_app
from service.export.tmx import TmxUnit, TmxVariant, TmxWriter
from service.mt.packages import install_file
from service.settings import Settings
from tests.conftest import ROOT, SEEDS, SHARED, TRIGLOT

DTD_PATH = SHARED / "eval" / "formats" / "tmx14.dtd"
MODELS = ROOT / "tests" / "fixtures" / "models"


def _valid(data: bytes) -> etree._Element:
    if not DTD_PATH.exists():
        pytest.fail(f"{DTD_PATH} missing: ../shared must sit beside the repo")
    dtd = etree.DTD(str(DTD_PATH))
    root = etree.fromstring(data)
    assert dtd.validate(root), dtd.error_log.filter_from_errors()
    return root


@pytest.fixture
def loaded(tmp_path: Path, db_url: str) -> Iterator[tuple[TestClient, list[int]]]:
    """Two seeds with their English, on SQLite and on PostgreSQL (part of the storage
    contract: exports read back what was stored)."""
    data = tmp_path / "data"
    for pair in ("fr_en", "vi_en"):
        install_file(MODELS / f"{pair}.argosmodel", data / "packages")
    with TestClient(create_app(Settings(data_dir=data, database_url=db_url))) as client:
        ids = []
        for seed in sorted(SEEDS.glob("*.txt")):
            ids.append(
                client.post(
                    "/documents", json={"text": seed.read_text("utf-8"), "name": seed.name}
                ).json()["id"]
            )
            assert client.post(f"/documents/{ids[-1]}/translations").status_code == 201
        yield client, ids


def test_document_tmx_is_valid_and_reads_back(loaded: tuple[TestClient, list[int]]) -> None:
    client, ids = loaded
    doc_004 = ids[1]
    res = client.get(f"/documents/{doc_004}/tmx")
    assert res.status_code == 200
    assert (
        res.headers["content-disposition"]
        == f'attachment; filename="triglot-document-{doc_004}.tmx"'
    )
    root = _valid(res.content)
    header = root.find("header")
    assert header is not None
    for attr in (
        "creationtool",
        "creationtoolversion",
        "segtype",
        "o-tmf",
        "adminlang",
        "srclang",
        "datatype",
    ):
        assert header.get(attr)
    assert header.get("srclang") == "fr"
    assert header.get("segtype") == "phrase"  # a headline with its caption: not a sentence
    pairs = client.get(f"/documents/{doc_004}/alignments").json()["pairs"]
    assert [p["vi_unit"]["kind"] for p in pairs] == ["caption", "slug"]
    store = tmxfile(res.content)
    units = store.getunits()
    assert len(units) == 1  # the slug is not a Vietnamese text: not exported by default
    caption = units[0]
    assert caption.source == pairs[0]["fr_focus"]  # the first tuv, French
    assert caption.target == pairs[0]["vi"]  # the second, Vietnamese
    tu = root.findall("body/tu")[0]
    langs = [tuv.get("{http://www.w3.org/XML/1998/namespace}lang") for tuv in tu.findall("tuv")]
    assert langs == ["fr", "vi", "en"]
    texts = [tuv.findtext("seg") for tuv in tu.findall("tuv")]
    assert texts[1] == pairs[0]["vi"]  # Vietnamese intact
    # English from the copy model with the stored glossary's terms enforced, marked as MT:
    assert texts[2].startswith("UN Secretary-General")
    assert texts[0].startswith("Secrétaire général de l'ONU")
    assert tu.findall("tuv")[2].find("prop").text == "machine-translation"  # type: ignore[union-attr]
    props = {p.get("type"): p.text for p in tu.findall("prop")}
    assert props["x-source-url"].startswith("https://baochinhphu.vn/")  # type: ignore[union-attr]
    assert props["x-document-id"] == str(doc_004)
    assert props["x-alignment-method"] == "residue"
    assert props["x-glossary-version"] == "vn-government-news@1"  # TRIGLOT_STORED_GLOSSARY
    assert "x-glossary-stale" not in props
    assert props["x-occurrences"] == "1"
    assert "copyfixture" in props["x-translation-engine"]  # type: ignore[operator]


def test_corpus_tmx_filters(loaded: tuple[TestClient, list[int]]) -> None:
    client, _ids = loaded
    every = tmxfile(client.get("/tmx").content).getunits()
    assert len(every) == 1  # three pairs, two of them slugs
    with_slugs = client.get("/tmx", params={"include_slugs": "true"})
    _valid(with_slugs.content)
    # 004's slug joins its headline's unit, 000's (no real Vietnamese for its French) is alone
    assert len(tmxfile(with_slugs.content).getunits()) == 2
    slugs = client.get("/tmx", params={"kinds": "slug"})  # asking for slugs includes them
    _valid(slugs.content)
    assert len(tmxfile(slugs.content).getunits()) == 2
    # the filter keeps the units scoring at least min_score: take the middle of the three
    items = client.get("/pairs").json()["items"]
    scores = sorted(u["score"] for u in items)
    assert len(scores) == 3
    assert scores[0] < scores[1]
    kept = [u for u in items if u["score"] >= scores[1]]
    for include_slugs in (True, False):
        res = client.get(
            "/tmx", params={"min_score": scores[1], "include_slugs": str(include_slugs).lower()}
        )
        _valid(res.content)
        # one unit per French text kept (a slug joins its French's unit or stands alone)
        french = {u["texts"]["fr"] for u in kept if include_slugs or u["kinds"]["vi"] != "slug"}
        assert len(tmxfile(res.content).getunits()) == len(french)
    no_en = _valid(client.get("/tmx", params={"langs": "fr,vi"}).content)
    assert not [
        t for t in no_en.iter("tuv") if t.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    ]
    for params, field in [
        ({"kinds": "nope"}, "query.kinds"),
        ({"langs": "fr"}, "query.langs"),
        ({"documents": "x"}, "query.documents"),
    ]:
        res = client.get("/tmx", params=params)
        assert res.status_code == 422
        assert res.json()["error"].startswith(f"{field}: String should match pattern")
    assert client.get("/documents/999/tmx").status_code == 404
    unknown = client.get("/tmx", params={"documents": "99"})
    assert unknown.status_code == 404
    assert unknown.json() == {"error": "no document with id 99", "code": "not_found"}


def test_pairs_json_is_paginated_with_provenance(loaded: tuple[TestClient, list[int]]) -> None:
    client, _ids = loaded
    first = client.get("/pairs", params={"limit": 2}).json()
    assert len(first["items"]) == 2
    assert first["next_offset"] == 2
    rest = client.get("/pairs", params={"limit": 2, "offset": 2}).json()
    assert len(rest["items"]) == 1
    assert rest["next_offset"] is None
    unit = first["items"][1]
    assert set(unit["texts"]) == {"fr", "vi", "en"}
    assert unit["provenance"]["machine_translation"] is True
    assert unit["evidence"]


def test_characters_xml_cannot_carry_are_replaced_and_reported() -> None:
    writer = TmxWriter("test")
    unit = TmxUnit("u1", (TmxVariant("fr", "Bonjour\x07 monde\x00"), TmxVariant("vi", "Chào")))
    data = "".join(writer.stream([unit])).encode()
    root = _valid(data)
    assert root.find("body/tu/tuv/seg").text == "Bonjour\ufffd monde\ufffd"  # type: ignore[union-attr]
    report = root.find("body/tu/prop[@type='x-replaced-characters']")
    assert report is not None
    assert report.text == "U+0007 in fr at 7; U+0000 in fr at 14"
    assert len(writer.replaced) == 2
    assert b"2 character(s) that XML 1.0 cannot carry" in data


def test_cli_export_tmx(loaded: tuple[TestClient, list[int]], tmp_path: Path, db_url: str) -> None:
    data = tmp_path / "data"  # the fixture's data folder, already filled
    out = tmp_path / "all.tmx"
    res = subprocess.run(
        [TRIGLOT, "export-tmx", "--out", str(out), "--min-score", "0.5"],
        capture_output=True,
        text=True,
        env={"TRIGLOT_DATA_DIR": str(data), "TRIGLOT_DATABASE_URL": db_url, "PATH": "/usr/bin"},
        check=False,
    )
    assert res.returncode == 0, res.stderr
    assert "wrote 1 units" in res.stdout
    assert len(tmxfile(_valid_file(out)).getunits()) == 1
    missing = subprocess.run(
        [TRIGLOT, "export-tmx", "--out", str(tmp_path / "none.tmx"), "--document", "42"],
        capture_output=True,
        text=True,
        env={"TRIGLOT_DATA_DIR": str(data), "TRIGLOT_DATABASE_URL": db_url, "PATH": "/usr/bin"},
        check=False,
    )
    assert missing.returncode == 66
    assert missing.stderr == "triglot: no document with id 42\n"
    assert not (tmp_path / "none.tmx").exists()


def _valid_file(path: Path) -> bytes:
    data = path.read_bytes()
    _valid(data)
    return data


def test_markup_characters_round_trip_in_text_and_attributes() -> None:
    tricky = "A & B < C > D \"quoted\" 'single'\ttab"
    unit = TmxUnit(
        'id"1', (TmxVariant("fr", tricky), TmxVariant("vi", "Chào & <b>")), (("x-note", tricky),)
    )
    root = _valid("".join(TmxWriter("t").stream([unit])).encode())
    tu = root.find("body/tu")
    assert tu is not None
    assert tu.get("tuid") == 'id"1'
    assert [tuv.findtext("seg") for tuv in tu.findall("tuv")] == [tricky, "Chào & <b>"]
    assert tu.findtext("prop[@type='x-note']") == tricky
