"""Translation memory: the index (exact, fuzzy, against a brute-force scan), TMX import, and
memory-first translation through the real Argos path (copy-model fixture packages): the
answer says where it came from, and the glossary still applies."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process

from service.api.app import create_app
from service.errors import BadInputError
from service.mt.packages import install_file
from service.settings import Settings
from service.tm.index import TmEntry, TmIndex, normalize
from service.tm.tmx_import import lang_code, parse_tmx
from tests.conftest import ROOT, TRIGLOT

MODELS = ROOT / "tests" / "fixtures" / "models"
SOURCE = "Le Premier ministre a reçu la délégation à Hanoï."
TARGET = "The Premier Minister received the delegation in Ha Noi."  # forbidden variants
NEAR = "Le Premier ministre a reçu la délégation à Hanoï hier."
FAR = "Les deux parties ont signé un accord de coopération économique."


def _tmx(*units: tuple[str, str], src: str = "fr-FR", tgt: str = "en-GB") -> bytes:
    tus = "".join(
        f'<tu><tuv xml:lang="{src}"><seg>{a}</seg></tuv><tuv xml:lang="{tgt}"><seg>{b}</seg>'
        "</tuv></tu>"
        for a, b in units
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><tmx version="1.4"><header creationtool="t" '
        f'creationtoolversion="1" segtype="sentence" o-tmf="t" adminlang="en" srclang="{src}" '
        f'datatype="plaintext"/><body>{tus}</body></tmx>'
    ).encode()


# -- the index ---------------------------------------------------------------------------


def test_exact_match_ignores_spacing_and_normal_form() -> None:
    index = TmIndex([TmEntry("Hà Nội  mùa thu", "Hanoi in autumn", 0.5, "a")])
    decomposed = "Ha\u0300 No\u0323\u0302i mu\u0300a thu "
    match = index.lookup(decomposed, 0.9)
    assert match is not None
    assert (match.exact, match.similarity, match.entry.target) == (True, 1.0, "Hanoi in autumn")
    assert normalize(" a \t b\n") == "a b"


@pytest.mark.parametrize(
    ("query", "threshold", "expected"),
    [
        (SOURCE, 0.85, (True, "en-1")),  # exact
        (NEAR, 0.85, (False, "en-1")),  # 5 characters more: ratio 0.95
        (NEAR, 0.97, None),  # below the threshold
        (FAR, 0.85, None),  # another sentence
        ("", 0.85, None),
    ],
)
def test_lookup_table(query: str, threshold: float, expected: tuple[bool, str] | None) -> None:
    index = TmIndex([TmEntry(SOURCE, "en-1"), TmEntry("Une autre phrase sans rapport.", "en-2")])
    match = index.lookup(query, threshold)
    assert (None if match is None else (match.exact, match.entry.target)) == expected


def test_the_best_scoring_of_equal_sources_answers() -> None:
    index = TmIndex(
        [TmEntry("Bonjour", "Hello", 0.4, "a"), TmEntry("Bonjour", "Good morning", 0.9, "b")]
    )
    assert index.exact("Bonjour").entry.origin == "b"  # type: ignore[union-attr]
    assert index.fuzzy("Bonjour!", 0.8).entry.origin == "b"  # type: ignore[union-attr]


_WORDS = st.sampled_from(
    ["le", "la", "de", "Hanoï", "ministre", "Việt", "Nam", "accord", "réunion", "cơ", "quan"]
)
_TEXT = st.lists(_WORDS, min_size=1, max_size=8).map(" ".join)


@settings(max_examples=60, deadline=None)
@given(st.lists(_TEXT, min_size=1, max_size=30), _TEXT)
def test_fuzzy_agrees_with_a_brute_force_scan(sources: list[str], query: str) -> None:
    """With the shortlist as large as the memory, the index finds what scanning finds."""
    index = TmIndex([TmEntry(s, str(i)) for i, s in enumerate(sources)], shortlist=64, max_df=1)
    brute = process.extractOne(
        normalize(query), [normalize(s) for s in sources], scorer=fuzz.ratio, score_cutoff=70
    )
    match = index.fuzzy(query, 0.7)
    if brute is None:
        assert match is None
    else:
        assert match is not None
        assert match.similarity == round(brute[1] / 100, 4)


# -- TMX import ----------------------------------------------------------------------------


def test_parse_tmx_tags_codes_and_safety() -> None:
    data = (
        b'<?xml version="1.0"?><!DOCTYPE tmx SYSTEM "tmx14.dtd"><tmx version="1.4">'
        b'<header srclang="fr-FR" segtype="phrase"/><body>'
        b'<tu><prop type="x-alignment-score">0.75</prop><tuv xml:lang="fr-FR"><seg>A <bpt i="1">'
        b'&lt;b&gt;</bpt>gras<ept i="1">&lt;/b&gt;</ept></seg></tuv>'
        b'<tuv xml:lang="vi-VN"><seg>B</seg></tuv><tuv xml:lang="x-vi-slug"><seg>b-c</seg></tuv>'
        b'<tuv xml:lang="en-US"><seg>C</seg></tuv></tu>'
        b'<tu><tuv xml:lang="fr"><seg>seul</seg></tuv></tu></body></tmx>'
    )
    srclang, units, skipped = parse_tmx(data, name="t.tmx")
    assert srclang == "fr"
    assert skipped == 1  # one language only
    assert [(u.src_lang, u.tgt_lang, u.tgt_text) for u in units] == [
        ("fr", "vi", "B"),
        ("fr", "x-vi-slug", "b-c"),  # kept apart: never Vietnamese
        ("fr", "en", "C"),
    ]
    assert units[0].src_text == "A gras"  # inline codes dropped
    assert (units[0].score, units[0].segtype) == (0.75, "phrase")
    assert [lang_code(t) for t in ("vi-VN", "VI", "vi-x-slug", "x-vi-slug")] == [
        "vi",
        "vi",
        "vi-x-slug",
        "x-vi-slug",
    ]
    for bad, why in [
        (b"<tmx><body>", "not well-formed XML"),
        (b"<xliff/>", "not a TMX file"),
        (b'<!DOCTYPE tmx [<!ENTITY x "y">]><tmx/>', "DOCTYPE with declarations"),
        (_tmx().replace(b"<body></body>", b"<body/>"), "no translation unit"),
    ]:
        with pytest.raises(BadInputError, match=why):
            parse_tmx(bad, name="bad.tmx")


# -- memory first, end to end --------------------------------------------------------------


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    data = tmp_path / "data"
    install_file(MODELS / "fr_en.argosmodel", data / "packages")
    install_file(MODELS / "vi_en.argosmodel", data / "packages")
    with TestClient(create_app(Settings(data_dir=data))) as test_client:
        yield test_client


def _import(client: TestClient, data: bytes, name: str = "memory.tmx") -> int:
    res = client.post(
        "/tm/import",
        content=data,
        params={"name": name},
        headers={"content-type": "application/x-tmx+xml"},
    )
    assert res.status_code in {200, 201}, res.text
    alignment_id: int = res.json()["alignment_id"]
    return alignment_id


def test_translate_asks_the_memory_first(client: TestClient) -> None:
    before = client.post("/translate", json={"q": SOURCE, "source": "fr", "target": "en"}).json()
    assert before["provenance"]["origin"] == "mt"
    alignment_id = _import(client, _tmx((SOURCE, TARGET)))
    res = client.post(
        "/translate", json={"q": [SOURCE, NEAR, FAR], "source": "fr", "target": "en"}
    ).json()
    assert res["translatedText"][0] == TARGET
    assert res["translatedText"][1] == TARGET
    assert res["translatedText"][2] == FAR  # the copy model: the engine translated it
    exact, near, far = res["provenance"]
    assert exact == {
        "engine": "triglot-tm",
        "packages": [f"alignment {alignment_id}"],
        "pivot": None,
        "origin": "tm-exact",
    }
    assert near["origin"] == "tm-fuzzy"
    assert 0.85 <= near["score"] < 1.0
    assert far["origin"] == "mt"
    assert "copyfixture" in far["packages"][0]
    # auto-detected source languages go through the memory as well
    auto = client.post("/translate", json={"q": SOURCE, "source": "auto", "target": "en"}).json()
    assert auto["provenance"]["origin"] == "tm-exact"
    assert auto["detectedLanguage"]["language"] == "fr"
    # the same file twice is imported once
    again = client.post("/tm/import", content=_tmx((SOURCE, TARGET)), params={"name": "x.tmx"})
    assert again.status_code == 200
    assert again.json()["created"] is False


def test_the_glossary_applies_to_memory_answers(client: TestClient) -> None:
    _import(client, _tmx((SOURCE, TARGET)))
    res = client.post(
        "/translate",
        json={"q": SOURCE, "source": "fr", "target": "en", "glossary": "vn-government-news"},
    ).json()
    assert res["translatedText"] == "The Prime Minister received the delegation in Hanoi."
    assert res["provenance"]["origin"] == "tm-exact"
    report = res["glossary_report"]
    assert report["compliant"] is True
    # the memory's forbidden variants were post-edited to the preferred terms
    assert sorted((t["expected"], t["method"]) for t in report["terms"]) == [
        ("Hanoi", "post-edit"),
        ("Prime Minister", "post-edit"),
    ]


def test_lookup_route_and_document_translation(client: TestClient) -> None:
    page = (ROOT / "seeds" / "004_606bed8f58cb9dd9.txt").read_text("utf-8")
    doc_id = client.post("/documents", json={"text": page, "name": "004"}).json()["id"]
    headline = (
        "Secrétaire général de l'ONU : La Convention de Hanoï est un pilier pour aider à "
        "rétablir la justice numérique"
    )
    english = "UN Secretary-General: the Hanoi Convention is a pillar of digital justice"
    alignment_id = _import(client, _tmx((headline, english)))
    found = client.get("/tm/lookup", params={"q": headline, "source": "fr", "target": "vi"})
    # the stored residue pair answers fr -> vi (the Vietnamese headline, not the slug)
    assert found.json()["translatedText"].startswith("Tổng Thư ký Liên Hợp Quốc")
    assert found.json()["found_in"] == f"document {doc_id}"
    back = client.get(
        "/tm/lookup", params={"q": found.json()["translatedText"], "source": "vi", "target": "fr"}
    ).json()
    assert back["translatedText"] == headline  # both directions
    none = client.get("/tm/lookup", params={"q": FAR, "source": "fr", "target": "en"}).json()
    assert none["translatedText"] is None
    german = client.get("/tm/lookup", params={"q": "x", "source": "de", "target": "en"})
    assert german.status_code == 422
    res = client.post(f"/documents/{doc_id}/translations", params={"target": "en"})
    assert res.status_code == 201
    by_source = {t["source"]: t for t in res.json()["translations"]}
    assert by_source[headline]["text"] == english
    assert by_source[headline]["engine"] == "triglot-tm"
    assert by_source[headline]["packages"] == ["tm-exact", f"alignment {alignment_id}"]
    others = [t for s, t in by_source.items() if s != headline and t["src_lang"] == "fr"]
    assert others
    assert all("copyfixture" in t["packages"][0] for t in others)


def test_settings_turn_fuzzy_matches_or_the_memory_off(tmp_path: Path) -> None:
    data = tmp_path / "data"
    install_file(MODELS / "fr_en.argosmodel", data / "packages")
    for overrides, origins in [
        ({"tm_fuzzy_threshold": 1.0}, ["tm-exact", "mt"]),
        ({"tm": False}, ["mt", "mt"]),
    ]:
        settings_ = Settings(data_dir=data, **overrides)  # type: ignore[arg-type]
        with TestClient(create_app(settings_)) as client:
            _import(client, _tmx((SOURCE, TARGET)))
            res = client.post(
                "/translate", json={"q": [SOURCE, NEAR], "source": "fr", "target": "en"}
            ).json()
            assert [p["origin"] for p in res["provenance"]] == origins


@pytest.mark.slow
def test_cli_tm_import_and_lookup(tmp_path: Path) -> None:
    env = {**os.environ, "TRIGLOT_DATA_DIR": str(tmp_path / "data")}
    tmx = tmp_path / "m.tmx"
    tmx.write_bytes(_tmx((SOURCE, TARGET)))

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [TRIGLOT, *args], capture_output=True, text=True, env=env, check=False
        )

    first = run("tm", "import", str(tmx))
    assert first.returncode == 0, first.stderr
    assert first.stdout == f"{tmx}\talignment 1\t1 units\timported\n"
    assert run("tm", "import", str(tmx)).stdout.endswith("already imported\n")
    hit = run("tm", "lookup", NEAR, "--source", "fr", "--target", "en")
    assert hit.returncode == 0
    assert '"origin": "tm-fuzzy"' in hit.stdout
    assert run("tm", "lookup", FAR, "--source", "fr", "--target", "en").returncode == 1
    assert run("tm", "import", str(tmp_path / "none.tmx")).returncode == 66
    broken = tmp_path / "broken.tmx"
    broken.write_text("<tmx>", "utf-8")
    bad = run("tm", "import", str(broken))
    assert bad.returncode == 65
    assert "broken.tmx: not well-formed XML" in bad.stderr
