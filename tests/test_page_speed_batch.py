"""The second round of page-analysis shortcuts gives the answers of the code it replaces.

Each fast path is held to the plain computation, on every line of the corpus and the seeds,
FLORES-200 *dev* lines and generated text: the statistical identifier's byte automaton walked
for many texts at once (:mod:`aligner.langid_batch`), identification of a page's lines in one
batch, the glued-line candidate scan, the reported-speech pattern with its first-letter
look-aheads, and the words of folded text taken word by word.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from py3langid.langid import visit_counts

from aligner import glue, langid, langid_batch, page
from aligner.langid import Lang
from aligner.text import _FOLD_BY_CHAR_RE, WORD_RE, fold, folded_words, words
from tests.conftest import ROOT, SHARED

FLORES_DEV = SHARED / "eval" / "flores200-dev"
_CANDIDATE_PLAIN_RE = re.compile(glue._CANDIDATE_PLAIN)

_VI = "đĐăâêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"
_PARTS = list(_VI + "abcdeghiklmnopqrstuvxyLeViệtNam éèçœ'’-–/|:()«»\"0123456789 ")
_PARTS += ["\u0303", "\u0323", "\u0301", "\u1fee", "\0", "Σ", "ſ", "İ", "K", "ß", "ﬁ", "²"]
_PARTS += [" le ", " la ", " des ", " the ", " of ", " and ", " công ", " Hà ", " Nội ", "한국"]
_PARTS += [" A DIT QUE ", " a déclaré qu’", " Déclare que ", " SAID: ", " Cho biết: "]
_PARTS += [" Nhấn mạnh rằng ", " ont aussi estimé que ", " a qualifié ", " Ảnh 3.", "\u00a0"]
_PARTS += ["\tont dit\tque", "a dit\u00a0que", "ajoute\nqu'", "que", "qu'", " that", "politique"]
_PARTS += [".vn", "baochinhphu.vn", ".COM ", "x.fr-", "a.info", ".", "-", "_", "vietnam.vn/x"]
_TEXT = st.lists(st.sampled_from(_PARTS), max_size=40).map("".join)


def _lines() -> list[str]:
    pages = sorted((ROOT / "corpus").rglob("*.txt")) + sorted((ROOT / "seeds").glob("*.txt"))
    lines = [ln for p in pages for ln in p.read_text(encoding="utf-8").splitlines() if ln.strip()]
    for name in ("dev.fra", "dev.eng", "dev.vie"):
        lines += (FLORES_DEV / name).read_text(encoding="utf-8").splitlines()[:150]
    return lines


def _ident() -> langid.LanguageIdentifier:
    return langid._identifier()


# --- the identifier, many texts at once ------------------------------------------------------


def _assert_counts_as_py3langid(texts: list[str]) -> None:
    ident = _ident()
    encoded = [ident._encode(t) for t in texts]
    expected = [
        visit_counts(ident.tk_nextmove, ident._rowbase, ident.tk_output, e) for e in encoded
    ]
    got = langid_batch.visit_counts_many(ident, encoded)
    assert got == expected
    # The same counts in the same order: the score's floating-point sum follows it.
    assert [list(c or ()) for c in got] == [list(c or ()) for c in expected]


def test_counts_as_py3langid_on_every_corpus_line() -> None:
    _assert_counts_as_py3langid(_lines())


def test_classify_many_as_classify_on_every_corpus_line() -> None:
    lines = _lines()
    expected = [langid.classify_statistical(t) for t in lines]
    assert langid.classify_statistical_many(lines) == expected
    assert langid.classify_statistical_many(lines[:7]) == expected[:7]


@settings(max_examples=300)
@given(st.lists(_TEXT, max_size=8))
def test_classify_many_as_classify_on_any_text(texts: list[str]) -> None:
    expected = [langid.classify_statistical(t) for t in texts]
    assert langid.classify_statistical_many(texts) == expected
    _assert_counts_as_py3langid(texts)


def test_a_walk_the_window_cannot_cover_is_walked_the_slow_way(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With a window shorter than the automaton is deep, the check finds the states it got
    wrong, and those texts are walked byte by byte: the counts do not change."""
    monkeypatch.setattr(langid_batch, "WINDOW", 2)
    monkeypatch.setattr(langid_batch, "_SEPARATOR", b"\0" * 2)
    _assert_counts_as_py3langid(_lines()[:300])


def test_pages_past_a_batch_are_walked_in_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Texts are walked in batches of at most BATCH_BYTES, and one longer than that alone,
    byte by byte: the counts do not change."""
    monkeypatch.setattr(langid_batch, "BATCH_BYTES", 300)
    lines = _lines()[:400]
    assert any(len(t.encode()) > 300 for t in lines)
    _assert_counts_as_py3langid(lines)


def test_no_text_or_empty_texts() -> None:
    assert langid.classify_statistical_many([]) == []
    texts = ["", " ", "\0\0", "123", "LE GOUVERNEMENT"]
    assert langid.classify_statistical_many(texts) == [
        langid.classify_statistical(t) for t in texts
    ]


@pytest.mark.parametrize("default", [None, "fr", "vi"])
def test_identify_many_as_identify_on_every_corpus_line(default: Lang | None) -> None:
    items = [(t, words(t)) for t in _lines()]
    expected = [langid.identify_words(t, w, default=default) for t, w in items]
    assert langid.identify_many(items, default=default) == expected


# --- glued lines, reported speech, folded words -----------------------------------------------


def _candidates(pattern: re.Pattern[str], line: str) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(line, 1, max(1, len(line) - 1))]


@given(_TEXT)
def test_candidate_scan_as_the_plain_pattern(text: str) -> None:
    assert _candidates(glue._CANDIDATE_RE, text) == _candidates(_CANDIDATE_PLAIN_RE, text)


def test_candidate_scan_and_speech_on_every_corpus_line() -> None:
    for line in _lines():
        assert _candidates(glue._CANDIDATE_RE, line) == _candidates(_CANDIDATE_PLAIN_RE, line)
        assert page._has_domain(line) == (page.DOMAIN_RE.search(line) is not None)
        fast = page._REPORTED_SPEECH_FAST_RE.search(line)
        plain = page.REPORTED_SPEECH_RE.search(line)
        assert (fast and fast.span()) == (plain and plain.span())


@settings(max_examples=500)
@given(_TEXT)
def test_speech_pattern_as_the_plain_pattern(text: str) -> None:
    fast = page._REPORTED_SPEECH_FAST_RE.search(text)
    plain = page.REPORTED_SPEECH_RE.search(text)
    assert (fast and fast.span()) == (plain and plain.span())
    assert page._reports_speech(text) == (plain is not None)
    assert page._has_domain(text) == (page.DOMAIN_RE.search(text) is not None)


def _char_class(ch: str) -> str:
    if WORD_RE.fullmatch(ch):
        return "letter"
    return "apostrophe" if ch in "'’" else ("digit" if ch.isdecimal() else "other")


def test_every_character_of_the_range_folds_to_one_of_its_class() -> None:
    """What :func:`folded_words` rests on: where ``_FOLD_BY_CHAR_RE`` finds nothing, each
    character folds to one character of the same class, so words keep their bounds."""
    chars = [chr(c) for c in range(0x2070) if _FOLD_BY_CHAR_RE.search(chr(c)) is None]
    assert len(chars) == 0x250 + 0x100 + 0x70
    for ch in chars:
        folded = fold(ch)
        assert len(folded) == 1, ch
        assert _char_class(folded) == _char_class(ch), ch


def test_folded_words_on_every_corpus_line() -> None:
    for line in _lines():
        assert folded_words(line, words(line)) == words(fold(line))


@settings(max_examples=500)
@given(_TEXT)
def test_folded_words_on_any_text(text: str) -> None:
    assert folded_words(text, words(text)) == words(fold(text))


def _plain_counts(text: str) -> tuple[int, int, int]:
    return sum(map(str.isalpha, text)), sum(map(str.isupper, text)), sum(map(str.isdigit, text))


def test_char_counts_on_every_corpus_line_and_every_character() -> None:
    for line in _lines():
        assert page._char_counts(line) == _plain_counts(line)
    every = "".join(chr(c) for c in range(0x3100) if not 0xD800 <= c < 0xE000)
    for start in range(0, len(every), 97):  # pieces below and past the table's end
        piece = every[start : start + 300]
        assert page._char_counts(piece) == _plain_counts(piece)


@given(_TEXT)
def test_char_counts_on_any_text(text: str) -> None:
    assert page._char_counts(text) == _plain_counts(text)


def _document_lang_one_by_one(texts: list[str], sample: int = 50) -> str:
    """:func:`aligner.langid.document_lang` as it was: each sentence identified alone."""
    if not texts:
        return "und"
    step = max(1, len(texts) // sample)
    weight: dict[str, int] = {}
    for text in texts[::step][:sample]:
        guess = langid.identify(text[:2000])
        if guess.lang in ("fr", "vi", "vi-ascii", "en"):
            lang = "vi" if guess.lang == "vi-ascii" else guess.lang
            weight[lang] = weight.get(lang, 0) + len(text)
    return max(weight, key=lambda k: weight[k]) if weight else "und"


def test_document_lang_as_one_by_one() -> None:
    pages = sorted((ROOT / "corpus").rglob("*.txt")) + sorted((ROOT / "seeds").glob("*.txt"))
    docs = [p.read_text(encoding="utf-8").splitlines() for p in pages]
    for name in ("dev.fra", "dev.eng", "dev.vie"):
        lines = (FLORES_DEV / name).read_text(encoding="utf-8").splitlines()[:200]
        docs += [lines[i : i + 40] for i in range(0, 200, 40)]
    for doc in docs:
        assert langid.document_lang(doc) == _document_lang_one_by_one(doc)


@given(st.lists(_TEXT, max_size=12))
def test_document_lang_as_one_by_one_on_any_text(texts: list[str]) -> None:
    assert langid.document_lang(texts) == _document_lang_one_by_one(texts)
