"""Words with the letter class spelled out (:func:`aligner.text.words` on text below U+3000)
are the words of :data:`aligner.text.WORD_RE`: for every code point the class covers, alone and
between letters and apostrophes, on every corpus, seed and FLORES-200 *dev* line, and on
generated text; text with a code point past the range keeps WORD_RE.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aligner import glue, page
from aligner.text import WORD_RE, _plain_word_re, word_pattern, words
from tests.conftest import ROOT
from tests.test_page_speed_batch import _TEXT, _lines


def _spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in WORD_RE.finditer(text)]


def test_every_code_point_of_the_range() -> None:
    plain = _plain_word_re()
    for code in range(0x3000):
        ch = chr(code)
        for text in (ch, f"a{ch}b", f"{ch}{ch}x", f"l'{ch}", f"{ch}’a", f"1{ch}_"):
            assert plain.findall(text) == WORD_RE.findall(text), (hex(code), text)
            assert words(text) == WORD_RE.findall(text)


def test_every_corpus_line() -> None:
    lines = _lines()
    assert sum(word_pattern(ln) is not WORD_RE for ln in lines) > 1500
    for line in lines:
        assert words(line) == WORD_RE.findall(line), line
        assert [m.span() for m in word_pattern(line).finditer(line)] == _spans(line)


@settings(max_examples=500)
@given(_TEXT)
def test_any_text(text: str) -> None:
    assert words(text) == WORD_RE.findall(text)
    assert [m.span() for m in word_pattern(text).finditer(text)] == _spans(text)


@given(st.text(max_size=30))
def test_any_unicode_text(text: str) -> None:
    assert words(text) == WORD_RE.findall(text)


_PAST = ["한국 Hàn Quốc", "東京 Tokyo", "𝐀𝐁𝐂 abc", "l’ＯＮＵ", "１２ ans", "abc\u3000def"]


def test_text_past_the_range_keeps_word_re() -> None:
    for text in _PAST:
        assert word_pattern(text) is WORD_RE
        assert words(text) == WORD_RE.findall(text)
    assert word_pattern("Hà Nội, l’ONU\u2fff") is not WORD_RE


def test_page_lines_and_glued_pieces_as_before(monkeypatch: pytest.MonkeyPatch) -> None:
    pages = sorted((ROOT / "corpus").rglob("*.txt")) + sorted((ROOT / "seeds").glob("*.txt"))
    seed = pages[-1].read_text(encoding="utf-8")
    texts = [p.read_text(encoding="utf-8") for p in pages]
    texts += [f"{seed}\n{extra} et la suite du texte.\n" for extra in _PAST]
    for text in texts:
        lines = page._split_lines(text)
        assert [ln.tokens for ln in lines] == [WORD_RE.findall(ln.text) for ln in lines]
    # glued-line cuts with the plain pattern, as with WORD_RE on each junction check
    lines = _lines()
    cuts = [glue.pieces(line) for line in lines]
    monkeypatch.setattr(glue, "word_pattern", lambda text: WORD_RE)
    assert [glue.pieces(line) for line in lines] == cuts
