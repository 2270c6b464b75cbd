"""What CAT tools need of a TMX: no slug as Vietnamese, region tags, a true header (srclang
present in every unit, segtype), units deduplicated with their count, conflicts ranked and
marked. Aggregation rules as golden tables; the API and CLI end to end on SQLite."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from lxml import etree
from translate.storage.tmx import tmxfile

from service.api.app import create_app
from service.errors import BadInputError
from service.export.aggregate import SLUG_TAG, Entry, aggregate
from service.export.tmx import TmxWriter
from service.export.units import parse_lang_tags, segtype
from service.settings import Settings
from tests.conftest import ROOT, SEEDS, SHARED, TRIGLOT

DTD = etree.DTD(str(SHARED / "eval" / "formats" / "tmx14.dtd"))
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)+$")
PAGES = [
    *sorted(SEEDS.glob("*.txt")),
    *(ROOT / "corpus" / p for p in ("laodong/laodong-01.fr.txt", "vnanet/vnanet-03.fr.txt")),
]


def _valid(data: bytes) -> etree._Element:
    root = etree.fromstring(data)
    assert DTD.validate(root), DTD.error_log.filter_from_errors()
    return root


def _langs(tu: etree._Element) -> list[str | None]:
    return [tuv.get(XML_LANG) for tuv in tu.findall("tuv")]


def _props(tu: etree._Element) -> dict[str | None, str | None]:
    return {p.get("type"): p.text for p in tu.findall("prop")}


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(data_dir=tmp_path / "data"))) as test_client:
        for page in PAGES:
            text = page.read_text("utf-8")
            assert test_client.post("/documents", json={"text": text, "name": page.name}).is_success
        yield test_client


def test_a_slug_never_reaches_a_vi_variant_by_default(client: TestClient) -> None:
    slugs = [
        p["texts"]["vi"]
        for p in client.get("/pairs", params={"limit": 1000}).json()["items"]
        if p["kinds"]["vi"] == "slug"
    ]
    assert len(slugs) >= 3  # the seeds' and the corpus pages'
    for params in ({}, {"lang_tags": "vi=vi-VN"}, {"kinds": "headline,caption"}):
        root = _valid(client.get("/tmx", params=params).content)
        vi = [
            tuv.findtext("seg")
            for tuv in root.iter("tuv")
            if (tuv.get(XML_LANG) or "").lower().startswith("vi")
        ]
        assert vi
        assert not set(vi) & set(slugs), params
        assert not [t for t in vi if t and SLUG_RE.match(t)], params
        assert b"x-vi-slug" not in etree.tostring(root)


def test_slugs_on_request_are_tagged_and_never_shadow_vietnamese(client: TestClient) -> None:
    root = _valid(client.get("/tmx", params={"include_slugs": "true"}).content)
    tus = root.findall("body/tu")
    with_slug = [tu for tu in tus if SLUG_TAG in _langs(tu)]
    assert len(with_slug) >= 3
    for tu in with_slug:
        langs = _langs(tu)
        assert langs[0] == "fr"
        assert langs[-1] == SLUG_TAG  # after any real Vietnamese of the same French
        slug_tuv = tu.findall("tuv")[-1]
        assert slug_tuv.findtext("prop[@type='x-origin']") == "url-slug"
    # seed 004: the headline's unit holds the real Vietnamese first, the slug beside it
    french = "Secrétaire général de l'ONU : La Convention de Hanoï est un pilier"
    (headline,) = [tu for tu in tus if (tu.findtext("tuv/seg") or "").startswith(french)]
    assert _langs(headline) == ["fr", "vi", SLUG_TAG]
    assert headline.findall("tuv")[1].findtext("seg", "").startswith("Tổng Thư ký Liên Hợp Quốc")
    # a French text with only a slug stands alone, marked
    alone = [tu for tu in with_slug if "vi" not in _langs(tu)]
    assert alone
    assert all(_props(tu)["x-slug-only"] == "true" for tu in alone)
    # translate-toolkit reads the first two variants as source and target
    assert len(tmxfile(etree.tostring(root)).getunits()) == len(tus)


def test_region_tags_and_header(client: TestClient) -> None:
    res = client.get(
        "/tmx", params={"lang_tags": "fr=fr-fr,vi=vi-VN,en=en-GB", "include_slugs": "true"}
    )
    root = _valid(res.content)
    header = root.find("header")
    assert header is not None
    assert header.get("srclang") == "fr-FR"  # canonical case
    assert {x for tu in root.iter("tu") for x in _langs(tu)} <= {"fr-FR", "vi-VN", SLUG_TAG}
    # no unit has French when French is not exported: the source is Vietnamese
    vi_en = _valid(client.get("/tmx", params={"langs": "vi,fr", "lang_tags": "vi=vi-VN"}).content)
    assert vi_en.find("header").get("srclang") == "vi-VN"  # type: ignore[union-attr]
    assert _langs(vi_en.find("body/tu"))[0] == "vi-VN"  # type: ignore[arg-type]
    for bad, why in [
        ("fr=vi-VN", "is not a language tag of 'fr'"),
        ("de=de-DE", "give code=tag with a code among fr, vi, en"),
        ("fr=fr-FRANCE1", "is not a language tag of 'fr'"),
    ]:
        answer = client.get("/tmx", params={"lang_tags": bad})
        assert answer.status_code == 422, bad
        assert why in answer.json()["error"], answer.json()


def test_duplicates_are_counted_once(client: TestClient) -> None:
    copy = (SEEDS / "004_606bed8f58cb9dd9.txt").read_text("utf-8") + "\nUne ligne de plus.\n"
    assert client.post("/documents", json={"text": copy, "name": "copy"}).status_code == 201
    root = _valid(client.get("/tmx", params={"langs": "fr,vi"}).content)
    french = "Secrétaire général de l'ONU : La Convention de Hanoï est un pilier"
    (tu,) = [tu for tu in root.iter("tu") if (tu.findtext("tuv/seg") or "").startswith(french)]
    props = _props(tu)
    assert props["x-occurrences"] == "2"
    assert props["x-document-id"] == "2,5"  # seed 004 and its copy
    assert "x-conflict" not in props


# Golden table: entries -> units (reason in the first column).
def _e(tuid: str, fr: str, vi: str, score: float | None, seg: str = "sentence") -> Entry:
    return Entry(tuid, {"fr": fr, "vi": vi}, score, seg, [("x-alignment-score", str(score))])


CASES = [
    (
        "one source, two translations: best first, both marked",
        [_e("a", "Bonjour", "Xin chào", 0.6), _e("b", "Bonjour", "Chào bạn", 0.9)],
        [("b", "Chào bạn", "1 of 2"), ("a", "Xin chào", "2 of 2")],
    ),
    (
        "same texts twice: one unit, no conflict",
        [_e("a", "Oui", "Vâng", 0.5), _e("b", "Oui", "Vâng", 0.7)],
        [("b", "Vâng", None)],
    ),
    (
        "unknown score ranks after known ones",
        [_e("a", "Non", "Không", None), _e("b", "Non", "Chẳng", 0.1)],
        [("b", "Chẳng", "1 of 2"), ("a", "Không", "2 of 2")],
    ),
]


@pytest.mark.parametrize(("reason", "entries", "expected"), CASES, ids=[c[0] for c in CASES])
def test_aggregation_table(
    reason: str, entries: list[Entry], expected: list[tuple[str, str, str | None]]
) -> None:
    export = aggregate(entries, ("fr", "vi"))
    got = [(u.tuid, u.variants[1].text, dict(u.props).get("x-conflict")) for u in export.units]
    assert got == expected, reason
    assert sum(int(dict(u.props)["x-occurrences"]) for u in export.units) == len(entries)


def test_header_tells_the_truth() -> None:
    entries = [
        _e("a", "Titre", "Tiêu đề", 0.9, "phrase"),
        _e("b", "Une phrase.", "Một câu.", 0.9, "sentence"),
        _e("c", "Autre titre", "Tiêu đề khác", 0.9, "phrase"),
        Entry("d", {"vi": "Chỉ tiếng Việt", "en": "Only Vietnamese"}, 0.5, "sentence"),
    ]
    export = aggregate(entries, ("fr", "vi", "en"), tags={"fr": "fr-FR"})
    assert export.srclang == "vi"  # the one language every unit has
    assert export.segtype == "phrase"
    assert [u.segtype for u in export.units] == [None, "sentence", None, "sentence"]
    no_common = aggregate(
        [
            entries[0],  # fr, vi
            Entry("x", {"fr": "Un", "en": "One"}, 1.0, "phrase"),
            Entry("y", {"vi": "Hai", "en": "Two"}, 1.0, "phrase"),
        ],
        ("fr", "vi", "en"),
    )
    assert no_common.srclang == "*all*"
    assert [u.variants[0].lang for u in no_common.units] == ["fr", "fr", "vi"]
    data = "".join(TmxWriter("t", srclang="*all*", segtype="phrase").stream(export.units))
    root = _valid(data.encode())
    assert root.findall("body/tu")[1].get("segtype") == "sentence"


@pytest.mark.parametrize(
    ("text", "kind", "clause", "expected"),
    [
        ("Le Premier ministre à Hanoï", "headline", False, "phrase"),  # a title
        ("Une légende de photo.", "caption", False, "phrase"),
        ("Il a parlé. Elle a répondu.", "paragraph", False, "paragraph"),  # two sentences
        ("Il a parlé de la Convention.", "paragraph", False, "sentence"),
        ("la Convention de Hanoï", "paragraph", True, "phrase"),  # a clause cut from one
    ],
)
def test_segtype_table(text: str, kind: str, *, clause: bool, expected: str) -> None:
    assert segtype(text, kind, clause=clause) == expected


def test_lang_tags_parse() -> None:
    assert parse_lang_tags(["fr=fr-fr", "vi=VI-vn,en=en-Latn-GB"]) == (
        ("en", "en-Latn-GB"),
        ("fr", "fr-FR"),
        ("vi", "vi-VN"),
    )
    with pytest.raises(BadInputError, match="not a language tag of 'vi'"):
        parse_lang_tags(["vi=vi-x-slug"])


@pytest.mark.slow
def test_cli_lang_tags_and_unknown_document(client: TestClient, tmp_path: Path) -> None:
    env = {**os.environ, "TRIGLOT_DATA_DIR": str(tmp_path / "data")}
    out = tmp_path / "vi.tmx"
    res = subprocess.run(
        [
            TRIGLOT,
            "export-tmx",
            "--out",
            str(out),
            "--langs",
            "fr,vi",
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
    root = _valid(out.read_bytes())
    assert root.find("header").get("srclang") == "fr-FR"  # type: ignore[union-attr]
    bad = subprocess.run(
        [TRIGLOT, "export-tmx", "--out", str(out), "--lang-tag", "fr=en-US"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert bad.returncode == 65
    assert "lang_tags: 'en-US' is not a language tag of 'fr'" in bad.stderr
    missing = subprocess.run(
        [TRIGLOT, "export-tmx", "--out", str(out), "--alignment", "7"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert missing.returncode == 66
    assert missing.stderr == "triglot: no alignment with id 7\n"
