"""Glossary enforcement logic with fake engines (the real Argos path is in
test_translation.py)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from glossary import Concept, Glossary, Term
from glossary.enforcement import enforce, protect
from glossary.matching import find_terms
from glossary.tsv import shipped
from tests.conftest import ROOT
from tests.test_translation import FIXTURES

FR = "Le Secrétaire général de l'ONU a salué la Convention de Hanoï."


def copy_engine(texts: list[str]) -> list[str]:
    return list(texts)


def test_protect_replaces_terms_with_numbered_placeholders() -> None:
    matches = find_terms(shipped(), FR, "fr")
    assert protect(FR, matches) == "Le ZXT1 a salué la ZXT2."


def test_placeholders_are_restored_as_preferred_english() -> None:
    [out] = enforce(shipped(), [FR], src_lang="fr", tgt_lang="en", translate=copy_engine)
    assert out.text == "Le UN Secretary-General a salué la Hanoi Convention."
    assert [(t.concept_id, t.expected, t.method, t.present) for t in out.terms] == [
        ("un-sg", "UN Secretary-General", "placeholder", True),
        ("hanoi-convention", "Hanoi Convention", "placeholder", True),
    ]
    assert out.compliant


def test_a_lost_placeholder_falls_back_to_post_editing_a_variant() -> None:
    def lossy(texts: list[str]) -> list[str]:
        out = []
        for text in texts:
            if "ZXT" in text:
                out.append(re.sub(r"ZXT\d", "", text))  # the engine drops placeholders
            else:
                out.append(
                    "The Secretary-General of the United Nations praised the Hanoi Convention."
                )
        return out

    [out] = enforce(shipped(), [FR], src_lang="fr", tgt_lang="en", translate=lossy)
    assert out.text == "The UN Secretary-General praised the Hanoi Convention."
    assert [(t.concept_id, t.method) for t in out.terms] == [
        ("un-sg", "post-edit"),
        ("hanoi-convention", "model"),
    ]
    assert out.compliant


def test_forbidden_terms_never_survive() -> None:
    def bad(texts: list[str]) -> list[str]:
        return ["The Premier Minister arrived in Ha Noi." for _ in texts]

    [out] = enforce(
        shipped(),
        ["Le Premier ministre est arrivé à Hanoï."],
        src_lang="fr",
        tgt_lang="en",
        translate=bad,
    )
    assert "Premier Minister" not in out.text
    assert "Ha Noi" not in out.text
    assert out.text == "The Prime Minister arrived in Hanoi."
    assert [(t.concept_id, t.method) for t in out.terms] == [
        ("pm", "post-edit"),
        ("hanoi", "post-edit"),
    ]


def test_forbidden_terms_without_a_source_term_are_replaced_and_reported() -> None:
    def bad(texts: list[str]) -> list[str]:
        return ["He went back to Ha Noi." for _ in texts]

    [out] = enforce(shipped(), ["Il est rentré."], src_lang="fr", tgt_lang="en", translate=bad)
    assert out.text == "He went back to Hanoi."
    assert [(f.concept_id, f.found, f.replaced_by) for f in out.forbidden] == [
        ("hanoi", "Ha Noi", "Hanoi")
    ]


def test_a_term_the_engine_cannot_produce_is_reported_missing() -> None:
    def stubborn(texts: list[str]) -> list[str]:
        return ["Something else entirely." for _ in texts]

    [out] = enforce(shipped(), [FR], src_lang="fr", tgt_lang="en", translate=stubborn)
    assert not out.compliant
    assert {t.method for t in out.terms} == {"missing"}
    assert not any(t.present for t in out.terms)


def test_texts_without_terms_are_translated_once() -> None:
    calls: list[list[str]] = []

    def counting(texts: list[str]) -> list[str]:
        calls.append(texts)
        return list(texts)

    out = enforce(
        shipped(), ["Rien à signaler.", FR], src_lang="fr", tgt_lang="en", translate=counting
    )
    assert len(calls) == 1
    assert out[0].terms == ()


def test_forced_decoding_places_a_term_the_engine_will_not_produce() -> None:
    calls: list[tuple[str, str]] = []

    def stubborn(texts: list[str]) -> list[str]:
        return ["The Secretary praised the treaty of the capital." for _ in texts]

    def force(source: str, prefix: str) -> str:
        calls.append((source, prefix))
        return prefix + " of the capital."

    [out] = enforce(
        shipped(),
        ["La Convention de Hanoï a été saluée."],
        src_lang="fr",
        tgt_lang="en",
        translate=stubborn,
        force=force,
    )
    assert calls == [("La Convention de Hanoï a été saluée.", "The Hanoi Convention")]
    assert out.text == "The Hanoi Convention of the capital."
    assert [(t.method, t.present) for t in out.terms] == [("forced", True)]


# --- boundaries, longest match first, leftovers ---------------------------------------------

VI_G = Glossary(
    "vi",
    (
        Concept(
            "signing-ceremony",
            (
                Term("Lễ mở ký", "vi"),
                Term("lễ ký", "vi", "admitted"),
                Term("signing ceremony", "en"),
            ),
        ),
        Concept(
            "signing",
            (Term("lễ ký kết", "vi"), Term("signing", "en")),
        ),
        Concept("hanoi", (Term("Hà Nội", "vi"), Term("Hà", "vi", "admitted"), Term("Hanoi", "en"))),
        Concept("korea", (Term("Hàn Quốc", "vi"), Term("South Korea", "en"))),
        Concept(
            "un",
            (
                Term("Liên Hợp Quốc", "vi"),
                Term("United Nations", "en"),
                Term("UN", "en", "admitted"),
            ),
        ),
        Concept("un-sg", (Term("Tổng Thư ký", "vi"), Term("UN Secretary-General", "en"))),
    ),
)
NFD = unicodedata.normalize("NFD", "Lễ ký kết tại Hà Nội")


@pytest.mark.parametrize(
    ("text", "expected", "why"),
    [
        (
            "Lễ ký kết diễn ra hôm qua.",
            [("signing", "Lễ ký kết")],
            "the shorter admitted 'lễ ký' inside the longer 'lễ ký kết' is not matched alone",
        ),
        ("Lễ ký diễn ra hôm qua.", [("signing-ceremony", "Lễ ký")], "alone, it matches"),
        ("Đoàn Hàn Quốc tới Hà Nội.", [("korea", "Hàn Quốc"), ("hanoi", "Hà Nội")], "syllables"),
        ("Hàng hóa", [], "'Hà' is not a syllable of 'Hàng'"),
        ("Hà-Nội", [("hanoi", "Hà-Nội")], "a hyphen separates syllables as a space does"),
        (
            NFD,
            [("signing", NFD[:14]), ("hanoi", NFD[-9:])],
            "combining diacritics (NFD) match as precomposed text, offsets into the text given",
        ),
        (
            unicodedata.normalize("NFD", "Hàn"),
            [],
            "in NFD too, 'Ha' + grave is one syllable with the 'n' after it",
        ),
        ("ha noi va han quoc", [("hanoi", "ha noi"), ("korea", "han quoc")], "folded slugs"),
    ],
)
def test_vietnamese_matches_whole_syllables_longest_first(
    text: str, expected: list[tuple[str, str]], why: str
) -> None:
    assert [(m.concept_id, m.surface) for m in find_terms(VI_G, text, "vi")] == expected, why


def test_post_editing_leaves_a_variant_inside_a_longer_term_alone() -> None:
    def loses_placeholders(texts: list[str]) -> list[str]:
        return ["The UN Secretary-General spoke; the UN agreed." for _ in texts]

    [out] = enforce(
        VI_G,
        ["Tổng Thư ký phát biểu; Liên Hợp Quốc đồng ý."],
        src_lang="vi",
        tgt_lang="en",
        translate=loses_placeholders,
    )
    assert out.text == "The UN Secretary-General spoke; the United Nations agreed."
    assert [(t.concept_id, t.method) for t in out.terms] == [
        ("un-sg", "model"),
        ("un", "post-edit"),
    ]


@pytest.mark.parametrize(
    ("engine_out", "leftovers"),
    [
        ("ZXT1 took place.", ()),
        ("ZXT1 took place ZXT.", ("ZXT",)),
        ("ZXT1 took place, z x t 1.", ("z x t 1",)),
        ("ZXT1 took place Z X T.", ("Z X T",)),
        ("ZXT1 took place at ZXTower.", ()),
    ],
    ids=["clean", "number-lost", "mangled-case", "spaced-letters", "inside-a-word"],
)
def test_leftover_placeholders_are_reported(engine_out: str, leftovers: tuple[str, ...]) -> None:
    [out] = enforce(
        VI_G, ["Lễ ký diễn ra."], src_lang="vi", tgt_lang="en", translate=lambda t: [engine_out]
    )
    assert out.leftovers == leftovers
    assert out.compliant == (not leftovers)


# --- the domain glossary on the real Argos path (copy-model fixture packages) -----------------

DOMAIN_CSV = ROOT / "glossary" / "data" / "vn_government_news_domain.csv"


def _approve_domain(client: TestClient) -> None:
    """Import the shipped domain glossary as a proposal and approve it, as a reviewer would."""
    res = client.post(
        "/glossaries/vn-government-news/proposals",
        files={"file": (DOMAIN_CSV.name, DOMAIN_CSV.read_bytes())},
        data={"note": "domain glossary"},
        headers={"If-Match": '"v1"'},
    )
    assert res.status_code == 201, res.text
    ok = client.post(
        f"/glossaries/vn-government-news/proposals/{res.json()['id']}/approve",
        headers={"If-Match": '"v1"'},
    )
    assert ok.status_code == 200, ok.text


@pytest.fixture
def argos_client(tmp_path: Path) -> Iterator[TestClient]:
    """The real app with the copy-model fixture packages installed."""
    from service.api.app import create_app  # noqa: PLC0415
    from service.mt.packages import install_file  # noqa: PLC0415
    from service.settings import Settings  # noqa: PLC0415

    for fixture in FIXTURES.values():
        install_file(fixture, tmp_path / "data" / "packages")
    with TestClient(create_app(Settings(data_dir=tmp_path / "data"))) as client:
        yield client


@pytest.mark.slow
def test_syllable_boundaries_and_longest_match_through_argos(argos_client: TestClient) -> None:
    tclient = argos_client
    _approve_domain(tclient)
    texts = [
        "Lễ ký kết diễn ra tại Hà Nội.",  # "lễ ký" (admitted) inside "lễ ký kết"
        unicodedata.normalize("NFD", "Lễ ký kết diễn ra tại Hà Nội."),  # combining diacritics
        "Đoàn công tác tỉnh Lào Cai thăm Lào.",  # the province, then the country
        "Tàu đi qua Thái Bình Dương.",  # the ocean, not the former province inside it
    ]
    res = tclient.post(
        "/translate",
        json={"q": texts, "source": "vi", "target": "en", "glossary": "vn-government-news"},
    )
    assert res.status_code == 200, res.text
    out = res.json()["translatedText"]
    reports = res.json()["glossary_report"]
    assert out[0] == "signing ceremony diễn ra tại Hanoi."  # nothing dangling ("kết")
    assert unicodedata.normalize("NFC", out[1]) == out[0]
    assert out[2] == "Đoàn công tác tỉnh Lao Cai thăm Laos."
    assert out[3] == "Tàu đi qua Pacific Ocean."
    assert [[t["concept"] for t in r["terms"]] for r in reports] == [
        ["signing-ceremony", "hanoi"],
        ["signing-ceremony", "hanoi"],
        ["prov-lao-cai", "laos"],
        ["pacific"],
    ]
    assert all(r["compliant"] and r["leftover_placeholders"] == [] for r in reports)
