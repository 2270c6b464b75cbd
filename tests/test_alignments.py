"""Stored alignments: beads of POST /align with ``store`` and of ``triglot align --store``,
cross-page pairs of a Vietnamese original and its French version linked by URL; listed,
shown, exported as TMX."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from lxml import etree
from translate.storage.tmx import tmxfile

from service.api.app import create_app
from service.settings import Settings
from tests.conftest import ROOT, SHARED, TRIGLOT, make_key

DTD = etree.DTD(str(SHARED / "eval" / "formats" / "tmx14.dtd"))
FR = [
    "Le Premier ministre a reçu la délégation à Hanoï.",
    "Les deux parties ont signé un accord de coopération économique.",
    "La réunion s'est terminée dans l'après-midi.",
]
VI = [
    "Thủ tướng đã tiếp đoàn đại biểu tại Hà Nội.",
    "Hai bên đã ký một thỏa thuận hợp tác kinh tế.",
    "Cuộc họp kết thúc vào buổi chiều.",
]
VI_PAGE = ROOT / "corpus" / "vietnamvn" / "vietnamvn-03.vi.txt"
FR_PAGE = ROOT / "corpus" / "vietnamvn" / "vietnamvn-03.fr.txt"


@pytest.fixture
def client(settings_on_each_backend: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings_on_each_backend)) as test_client:
        yield test_client


def _valid(data: bytes) -> etree._Element:
    root = etree.fromstring(data)
    assert DTD.validate(root), DTD.error_log.filter_from_errors()
    return root


def test_align_with_store_keeps_the_beads(client: TestClient) -> None:
    plain = client.post("/align", json={"src": FR, "tgt": VI})
    assert plain.status_code == 200
    assert plain.json()["alignment_id"] is None
    assert client.get("/alignments").json()["total"] == 0  # nothing stored without `store`
    res = client.post("/align", json={"src": FR, "tgt": VI, "store": True, "name": "demo"})
    assert res.status_code == 200, res.text
    alignment_id = res.json()["alignment_id"]
    beads = res.json()["beads"]
    listed = client.get("/alignments").json()
    assert listed["total"] == 1
    assert listed["items"][0] | {"created_at": None} == {
        "id": alignment_id,
        "kind": "beads",
        "name": "demo",
        "src_lang": "fr",
        "tgt_lang": "vi",
        "src_document_id": None,
        "tgt_document_id": None,
        "n_units": 3,
        "meta": {"src_sentences": 3, "tgt_sentences": 3, "max_size": 3},
        "created_at": None,
    }
    detail = client.get(f"/alignments/{alignment_id}").json()
    assert [(u["src"], u["tgt"]) for u in detail["units"]] == list(zip(FR, VI, strict=True))
    assert [u["score"] for u in detail["units"]] == [round(b["score"], 4) for b in beads]
    assert {u["segtype"] for u in detail["units"]} == {"sentence"}
    root = _valid(client.get(f"/alignments/{alignment_id}/tmx").content)
    units = tmxfile(etree.tostring(root)).getunits()
    assert [(u.source, u.target) for u in units] == list(zip(FR, VI, strict=True))
    props = {p.get("type"): p.text for p in root.find("body/tu").findall("prop")}  # type: ignore[union-attr]
    assert props["x-alignment-id"] == str(alignment_id)
    assert props["x-alignment-score"] == f"{beads[0]['score']:.4f}"
    # the corpus export holds them too, once each
    corpus = tmxfile(client.get("/tmx", params={"langs": "fr,vi"}).content).getunits()
    assert sum(u.source in FR for u in corpus) == 3
    for path in ("/alignments/99", "/alignments/99/tmx"):
        missing = client.get(path)
        assert missing.status_code == 404
        assert missing.json()["error"] == "no alignment with id 99"
    assert client.get("/tmx", params={"alignments": "99"}).status_code == 404


def test_a_vietnamese_original_and_its_french_version_are_linked(client: TestClient) -> None:
    vi = client.post("/documents", json={"text": VI_PAGE.read_text("utf-8"), "name": "vi"})
    fr = client.post("/documents", json={"text": FR_PAGE.read_text("utf-8"), "name": "fr"})
    vi_id, fr_id = vi.json()["id"], fr.json()["id"]
    listed = client.get("/alignments", params={"kind": "cross-page"}).json()
    assert listed["total"] == 1
    (item,) = listed["items"]
    assert (item["src_document_id"], item["tgt_document_id"]) == (vi_id, fr_id)
    assert (item["src_lang"], item["tgt_lang"]) == ("vi", "fr")
    detail = client.get(f"/alignments/{item['id']}").json()
    assert detail["n_units"] == len(detail["units"]) >= 5
    bases = [u["basis"] for u in detail["units"]]
    assert bases[0] == "headline"
    assert "bead" in bases
    assert all(0.0 <= u["score"] <= 1.0 for u in detail["units"])
    headline = detail["units"][0]
    assert headline["src"].startswith("Hà Nội phát động chiến dịch tiêm vắc-xin sởi")
    assert headline["segtype"] == "phrase"
    # looking again links nothing new
    assert client.get("/alignments").json()["total"] == 1
    # the French document's TMX holds its cross-page pairs (vi -> fr units)
    doc_tmx = tmxfile(client.get(f"/documents/{fr_id}/tmx", params={"langs": "fr,vi"}).content)
    assert headline["tgt"] in {u.source for u in doc_tmx.getunits()}


def test_storing_needs_a_key_when_keys_are_on(tmp_path: Path) -> None:
    data = tmp_path / "data"
    key = make_key(data, "aligner")
    settings = Settings(data_dir=data, api_keys=True)
    with TestClient(create_app(settings)) as client:
        assert client.post("/align", json={"src": FR, "tgt": VI}).status_code == 200
        refused = client.post("/align", json={"src": FR, "tgt": VI, "store": True})
        assert refused.status_code == 401
        assert "POST /align with store needs an API key" in refused.json()["error"]
        ok = client.post(
            "/align", json={"src": FR, "tgt": VI, "store": True}, headers={"X-API-Key": key}
        )
        assert ok.status_code == 200
        assert ok.json()["alignment_id"] == 1


@pytest.mark.slow
def test_cli_align_store_and_tmx(tmp_path: Path) -> None:
    src, tgt, out = tmp_path / "doc.fr", tmp_path / "doc.vi", tmp_path / "beads.tmx"
    src.write_text("\n".join(FR) + "\n", "utf-8")
    tgt.write_text("\n".join(VI) + "\n", "utf-8")
    env = {**os.environ, "TRIGLOT_DATA_DIR": str(tmp_path / "data")}
    res = subprocess.run(
        [
            TRIGLOT,
            "align",
            str(src),
            str(tgt),
            "--store",
            "--tmx",
            str(out),
            "--lang-tag",
            "fr=fr-FR",
            "--lang-tag",
            "vi=vi-VN",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert res.returncode == 0, res.stderr
    assert res.stdout.splitlines()[0].startswith("[0]:[0]:")
    assert "stored alignment 1 (3 beads)" in res.stderr
    root = _valid(out.read_bytes())
    assert root.find("header").get("srclang") == "fr-FR"  # type: ignore[union-attr]
    assert [tu.findtext("tuv[2]/seg") for tu in root.iter("tu")] == VI
    exported = tmp_path / "all.tmx"
    res = subprocess.run(
        [TRIGLOT, "export-tmx", "--out", str(exported), "--alignment", "1", "--langs", "fr,vi"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert res.returncode == 0, res.stderr
    assert "wrote 3 units" in res.stdout
