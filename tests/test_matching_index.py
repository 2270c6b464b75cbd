"""The indexed matcher (``glossary.matching``) against the simple reference one
(``tests/matching_reference.py``: every term's regex over the text): exactly the same matches,
forbidden ones included, on random glossaries and texts built from their terms."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

import tests.matching_reference as reference
from glossary import Concept, Glossary, Term
from glossary.matching import find_forbidden, find_terms
from tests.glossary_strategies import glossaries

_NOISE = st.text(st.sampled_from("aàăâdđeêoôơuưsxAÀĐΣİ 0-'_.,()\u0301\u0323\u00a0’"), max_size=6)
_SEPARATORS = st.sampled_from([" ", "  ", "-", " - ", "'", "l'", ".", "", "_", "\n", "s ", "x-"])


def _variants(term: str) -> list[str]:
    """A term as texts write it: as is, other cases, plural, decomposed, without diacritics."""
    stripped = "".join(
        ch for ch in unicodedata.normalize("NFD", term) if not unicodedata.combining(ch)
    ).replace("đ", "d")
    return [
        term,
        term.upper(),
        term.lower(),
        term.title(),
        term + "s",
        term + "x",
        unicodedata.normalize("NFD", term),
        stripped,
        term.replace(" ", "-"),
        term.replace(" ", "  "),
    ]


@st.composite
def texts(draw: st.DrawFn, glossary: Glossary) -> str:
    terms = [t.text for c in glossary.concepts for t in c.terms]
    pieces = []
    for _ in range(draw(st.integers(0, 6))):
        if terms and draw(st.booleans()):
            pieces.append(draw(st.sampled_from(_variants(draw(st.sampled_from(terms))))))
        else:
            pieces.append(draw(_NOISE))
        pieces.append(draw(_SEPARATORS))
    return "".join(pieces)


def _same(glossary: Glossary, text: str) -> None:
    for lang in ("fr", "vi", "en", "es", "zh"):
        assert find_terms(glossary, text, lang) == reference.find_terms(glossary, text, lang), lang
        assert find_forbidden(glossary, text, lang) == reference.find_forbidden(
            glossary, text, lang
        ), lang


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_indexed_matches_equal_reference_on_random_glossaries(data: st.DataObject) -> None:
    glossary = data.draw(glossaries(max_concepts=8))
    _same(glossary, data.draw(texts(glossary)))


_WORDS = st.sampled_from(
    ["Hà", "Nội", "hà", "nội", "Bộ", "Ngoại", "giao", "ministre", "premier", "ONU", "l'ONU",
     "Secrétaire", "général", "Secretary-General", "UN", "thuật", "ngữ", "số", "1", "42", "(ONU)",
     "=1+1", "&", "-"]
)  # fmt: skip


@st.composite
def word_glossaries(draw: st.DrawFn) -> Glossary:
    """Glossaries of real-looking multi-word terms sharing words (prefixes of each other)."""
    concepts = []
    owned: set[tuple[str, str]] = set()
    for k in range(draw(st.integers(1, 10))):
        terms = []
        for _ in range(draw(st.integers(1, 3))):
            text = " ".join(draw(st.lists(_WORDS, min_size=1, max_size=4)))
            lang = draw(st.sampled_from(["fr", "vi", "en"]))
            status = draw(st.sampled_from(["admitted", "forbidden"]))
            key = (lang, text.casefold())
            if key in owned or any((t.lang, t.text.casefold()) == key for t in terms):
                continue
            if status != "forbidden":
                owned.add(key)
            terms.append(Term(text, lang, status, draw(st.booleans())))
        if terms:
            concepts.append(Concept(f"c{k}", tuple(terms)))
    if not concepts:
        concepts.append(Concept("c", (Term("Hà Nội", "vi"),)))
    return Glossary("g", tuple(concepts))


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_indexed_matches_equal_reference_on_shared_words(data: st.DataObject) -> None:
    glossary = data.draw(word_glossaries())
    _same(glossary, data.draw(texts(glossary)))


def test_large_glossary_finds_the_one_term_among_shared_prefixes() -> None:
    """100 terms sharing their first two words: only the one in the text is matched."""
    glossary = Glossary(
        "g",
        tuple(
            Concept(f"c{i}", (Term(f"terme numéro {i}", "fr"), Term(f"term number {i}", "en")))
            for i in range(100)
        ),
    )
    text = "Il parle des termes numéros 42 et du terme numéro 7."
    got = [(m.concept_id, m.surface) for m in find_terms(glossary, text, "fr")]
    assert got == [("c42", "termes numéros 42"), ("c7", "terme numéro 7")]
    assert got == [(m.concept_id, m.surface) for m in reference.find_terms(glossary, text, "fr")]
