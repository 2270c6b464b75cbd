"""Words of a page's lines with the letter class spelled out (:func:`aligner.text.words_plain`)
are the words of :data:`aligner.text.WORD_RE`: for every code point it covers, alone and
between letters and apostrophes, on every corpus, seed and FLORES-200 *dev* line, and on
generated text; a page with a code point past its range keeps WORD_RE.
"""

from __future__ import annotations

from hypothesis import given, settings

from aligner import page
from aligner.text import PAST_PLAIN_RE, PLAIN_END, words, words_plain
from tests.conftest import ROOT
from tests.test_page_speed_batch import _TEXT, _lines


def test_every_code_point_of_the_range() -> None:
    for code in range(ord(PLAIN_END)):
        ch = chr(code)
        for text in (ch, f"a{ch}b", f"{ch}{ch}x", f"l'{ch}", f"{ch}’a", f"1{ch}_"):
            assert words_plain(text) == words(text), (hex(code), text)


def test_every_corpus_line() -> None:
    lines = [ln for ln in _lines() if PAST_PLAIN_RE.search(ln) is None]
    assert len(lines) > 1500
    for line in lines:
        assert words_plain(line) == words(line), line


@settings(max_examples=500)
@given(_TEXT)
def test_any_text(text: str) -> None:
    if PAST_PLAIN_RE.search(text) is None:
        assert words_plain(text) == words(text)
    else:  # the range stops before U+3000
        assert any(ch >= PLAIN_END for ch in text)


_PAST = ["한국 Hàn Quốc", "東京 Tokyo", "𝐀𝐁𝐂 abc", "l’ＯＮＵ", "１２ ans"]


def test_a_page_past_the_range_keeps_word_re() -> None:
    seed = sorted((ROOT / "seeds").glob("*.txt"))[0].read_text(encoding="utf-8")
    for extra in _PAST:
        text = f"{seed}\n{extra} et la suite du texte.\n"
        assert PAST_PLAIN_RE.search(text) is not None
        lines = page._split_lines(text)
        assert [ln.tokens for ln in lines] == [words(ln.text) for ln in lines]
        assert lines[-1].tokens == words(f"{extra} et la suite du texte.")


def test_page_lines_hold_their_words() -> None:
    pages = sorted((ROOT / "corpus").rglob("*.txt")) + sorted((ROOT / "seeds").glob("*.txt"))
    for path in pages:
        lines = page._split_lines(path.read_text(encoding="utf-8"))
        assert [ln.tokens for ln in lines] == [words(ln.text) for ln in lines], path
