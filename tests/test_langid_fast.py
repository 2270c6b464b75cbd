"""Shortcuts in language identification give the answers the full path gives.

The function-word check stands in for the statistical identifier on lines that are
unmistakably French or English; diacritics are folded through a ``str.translate`` table.
Both exist for speed only: these tests hold them to the slower path's answers.
"""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aligner import langid
from aligner.text import fold
from tests.conftest import ROOT, SHARED

FLORES_DEV = SHARED / "eval" / "flores200-dev"
TATOEBA = SHARED / "eval" / "tatoeba"


def _lines() -> list[str]:
    pages = sorted((ROOT / "corpus").rglob("*.txt")) + sorted((ROOT / "seeds").glob("*.txt"))
    lines = [ln for p in pages for ln in p.read_text(encoding="utf-8").splitlines() if ln.strip()]
    for path in (FLORES_DEV / "dev.fra", FLORES_DEV / "dev.eng", FLORES_DEV / "dev.vie"):
        lines += path.read_text(encoding="utf-8").splitlines()[:400]
    for path in sorted(TATOEBA.glob("*.fra")) + sorted(TATOEBA.glob("*.eng")):
        lines += path.read_text(encoding="utf-8").splitlines()[:400]
    return lines


def test_function_words_agree_with_the_identifier(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = _lines()
    defaults: tuple[langid.Lang | None, ...] = (None, "fr", "vi")
    fast = [langid.identify(ln, default=d) for ln in lines for d in defaults]
    monkeypatch.setattr(langid, "_function_word_lang", lambda _tokens, **_known: None)
    full = [langid.identify(ln, default=d) for ln in lines for d in defaults]
    shortcut = sum(1 for g in fast if g.confidence == langid._FUNCTION_WORD_CONFIDENCE)
    assert shortcut > len(fast) // 5, "the shortcut should take a good share of the lines"
    differ = [
        (ln, a, b)
        for ln, a, b in zip([ln for ln in lines for _ in defaults], fast, full, strict=True)
        if (a.lang, a.evidence) != (b.lang, b.evidence)
    ]
    assert differ == []


# (tokens, answer, why)
GOLDEN = [
    (
        ["le", "président", "a", "dit", "que", "la", "loi", "est", "bonne"],
        "fr",
        "French function words only",
    ),
    (
        ["the", "minister", "said", "that", "the", "law", "is", "good"],
        "en",
        "English function words only",
    ),
    (["le", "the", "de", "of", "et", "and"], None, "both lists: left to the identifier"),
    (["Phạm", "Minh", "Chính", "le", "de", "la"], None, "a Vietnamese letter: glued residue"),
    (["une", "visite", "officielle"], None, "one function word is too little"),
]


@pytest.mark.parametrize(("tokens", "answer", "why"), GOLDEN)
def test_function_word_cases(tokens: list[str], answer: str | None, why: str) -> None:
    assert langid._function_word_lang(tokens) == answer, why


def _fold_reference(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped).lower()


@given(st.text())
def test_fold_drops_every_combining_mark(text: str) -> None:
    assert fold(text) == _fold_reference(text)


def test_fold_vietnamese_and_french() -> None:
    assert fold("Đường Hồ Chí Minh, élève") == "duong ho chi minh, eleve"
