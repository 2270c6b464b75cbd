"""The glossary model, the shipped domain glossary and term matching."""

from __future__ import annotations

import pytest

from glossary import (
    Concept,
    Glossary,
    InvalidGlossaryError,
    ParseError,
    Term,
    find_forbidden,
    find_terms,
)
from glossary.tsv import parse, shipped


def test_shipped_glossary_covers_the_domain_in_three_languages() -> None:
    g = shipped()
    assert len(g.concepts) >= 40
    for concept in g.concepts:
        for lang in ("fr", "vi", "en"):
            assert concept.preferred(lang) is not None, (concept.id, lang)
    un = g.concept("un")
    assert [t.text for t in un.in_lang("fr")] == [
        "Nations Unies",
        "Organisation des Nations Unies",
        "ONU",
    ]
    assert un.in_lang("fr")[2].case_sensitive
    assert [t.status for t in un.in_lang("en")] == ["preferred", "admitted", "forbidden"]


@pytest.mark.parametrize(
    ("text", "lang", "want", "reason"),
    [
        (
            "Le Secrétaire général de l'ONU a parlé.",
            "fr",
            [("un-sg", "Secrétaire général de l'ONU")],
            "longest match wins over 'ONU' inside it",
        ),
        (
            "La Convention de Hanoi, puis l'ONU.",
            "fr",
            [("hanoi-convention", "Convention de Hanoi"), ("un", "ONU")],
            "accent-insensitive French, elided article before an abbreviation",
        ),
        (
            "les États membres et l’ONU",
            "fr",
            [("member-states", "États membres"), ("un", "ONU")],
            "typographic apostrophe",
        ),
        ("l'onu a dit", "fr", [], "ONU is case-sensitive: 'onu' is not the abbreviation"),
        (
            "Les secrétaires généraux de l'ONU",
            "fr",
            [("un", "ONU")],
            "a different phrase: only the abbreviation",
        ),
        (
            "Công ước Hà Nội là trụ cột",
            "vi",
            [("hanoi-convention", "Công ước Hà Nội")],
            "Vietnamese with diacritics",
        ),
        (
            "tong thu ky lhq cong uoc ha noi",
            "vi",
            [("un-sg", "tong thu ky lhq"), ("hanoi-convention", "cong uoc ha noi")],
            "Vietnamese without diacritics (a slug) matches folded",
        ),
        ("Công uoc Ha Noi", "vi", [], "text with diacritics is matched exactly, not folded"),
        (
            "The Hanoi Convention and the UN",
            "en",
            [("hanoi-convention", "Hanoi Convention"), ("un", "UN")],
            "English",
        ),
    ],
)
def test_matching(text: str, lang: str, want: list[tuple[str, str]], reason: str) -> None:
    got = [(m.concept_id, m.surface) for m in find_terms(shipped(), text, lang)]
    assert got == want, reason
    for m in find_terms(shipped(), text, lang):
        assert text[m.start : m.end] == m.surface


def test_forbidden_terms_are_found() -> None:
    found = find_forbidden(shipped(), "The Premier Minister visited Ha Noi.", "en")
    assert [(m.concept_id, m.surface) for m in found] == [
        ("pm", "Premier Minister"),
        ("hanoi", "Ha Noi"),
    ]


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: Term("  ", "fr"), "empty term"),
        (lambda: Term("Nations\x00Unies", "fr"), "control character U\\+0000"),
        (lambda: Term("ONU", "FR!"), "language must be an ISO 639 code"),
        (lambda: Concept("un", ()), "concept un: no terms"),
        (
            lambda: Concept("un", (Term("ONU", "fr"), Term("onu", "fr", "admitted"))),
            "duplicate fr term 'onu'",
        ),
        (
            lambda: Concept("un", (Term("ONU", "fr"), Term("Nations Unies", "fr"))),
            "2 preferred fr terms",
        ),
        (
            lambda: Glossary(
                "g", (Concept("a", (Term("x", "fr"),)), Concept("a", (Term("y", "fr"),)))
            ),
            "duplicate concept id 'a'",
        ),
        (
            lambda: Glossary(
                "g", (Concept("a", (Term("x", "fr"),)), Concept("b", (Term("X", "fr"),)))
            ),
            "belongs to both 'a' and 'b'",
        ),
    ],
)
def test_invalid_glossaries_are_refused_with_the_reason(build, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidGlossaryError, match=message):
        build()


def test_parse_errors_name_the_line() -> None:
    with pytest.raises(ParseError, match="line 3: expected 4 or 5 tab-separated cells"):
        parse("# comment\nun\tONU\tLHQ\tUN\t\nbroken line\n", name="g")
    with pytest.raises(ParseError, match=r"line 1: .*empty term"):
        parse("un\t~\tLHQ\tUN\n", name="g")
