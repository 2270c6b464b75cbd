"""The shortcuts taken for page-analysis speed give the answers of the code they replace.

Each test holds a fast path to the plain computation it stands for, on every line of the
corpus and the seeds, samples of FLORES-200 dev, and generated text: Vietnamese letters found
in one scan of the text (:func:`aligner.text.has_vi_marked`), language identification that
skips the Vietnamese checks on text without Vietnamese letters, and the glued-line check that
asks the statistical identifier only when one side shows Vietnamese.
"""

from __future__ import annotations

import itertools
import re
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aligner import glue, langid, meta, page, pairs
from aligner.anchors import anchors
from aligner.langid import Lang, LangGuess
from aligner.lexicon import Lexicon, default_lexicon
from aligner.pairs import Evidence
from aligner.text import _MAX_VI_MARKED, _fold_by_table, fold, has_vi_marked, is_vi_marked, words
from tests.conftest import ROOT, SHARED

FLORES_DEV = SHARED / "eval" / "flores200-dev"

_VI_LETTERS = "đĐăâêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"
_PARTS = list(_VI_LETTERS + "abcdeghiklmnopqrstuvxyLeViệtNam éèçœ'’-–/|:()«»\"0123456789 ")
_PARTS += ["\u0303", "\u0323", "\u0301", "\u0344", "\u1fee", " / ", " - ", "Ảnh 1."]
_PARTS += [" le ", " la ", " des ", " the ", " of ", " and ", " công ", " Hà ", " Nội "]
_TEXT = st.lists(st.sampled_from(_PARTS), max_size=40).map("".join)


def _lines() -> list[str]:
    pages = sorted((ROOT / "corpus").rglob("*.txt")) + sorted((ROOT / "seeds").glob("*.txt"))
    lines = [ln for p in pages for ln in p.read_text(encoding="utf-8").splitlines() if ln.strip()]
    for name in ("dev.fra", "dev.eng", "dev.vie"):
        lines += (FLORES_DEV / name).read_text(encoding="utf-8").splitlines()[:150]
    return lines


def test_no_letter_past_the_table_is_vietnamese() -> None:
    """``has_vi_marked`` looks letters up in a table of the code points below
    ``_MAX_VI_MARKED``; none after it is one :func:`is_vi_marked` flags."""
    past = (chr(c) for c in range(_MAX_VI_MARKED, sys.maxunicode + 1) if not 0xD800 <= c < 0xE000)
    decomposable = (ch for ch in past if unicodedata.normalize("NFD", ch) != ch)
    assert [ch for ch in decomposable if is_vi_marked.__wrapped__(ch)] == []


@given(_TEXT)
def test_one_scan_finds_the_vietnamese_letters_words_show(text: str) -> None:
    assert has_vi_marked(text) == any(is_vi_marked(w) for w in words(text))


def test_one_scan_agrees_on_every_corpus_line() -> None:
    for line in _lines():
        assert has_vi_marked(line) == any(is_vi_marked(w) for w in words(line)), line


# --- identify, as it was before the fast path ----------------------------------------------


def _reference_identify(text: str, default: Lang | None) -> LangGuess:
    """``aligner.langid.identify`` before the speed work: every check on every text."""
    tokens = words(text)
    if not tokens:
        return LangGuess(default or "und", 0.0, "default" if default else "none")
    vi_words = other_words = 0
    for chunk in langid._CHUNK_RE.split(text):
        chunk_tokens = words(chunk)
        n_vi, n_foreign = _reference_evidence(chunk_tokens)
        if n_vi >= 1 and n_vi >= n_foreign:
            vi_words += len(chunk_tokens)
        elif n_foreign >= 2:
            other_words += len(chunk_tokens)
    if vi_words >= langid._MIN_MIXED_WORDS and other_words >= langid._MIN_MIXED_WORDS:
        return LangGuess("mixed", vi_words / (vi_words + other_words), "diacritics")
    if langid._bilingual_label(text):
        return LangGuess("mixed", 0.5, "diacritics")
    n_vi, n_foreign = _reference_evidence(tokens)
    if n_vi >= 1 and n_vi >= n_foreign:
        return LangGuess("vi", n_vi / (n_vi + n_foreign), "diacritics")
    names = [t for t in tokens if not (t.isupper() and len(t) > 1)]
    if (
        0 < len(names) <= langid._MAX_NAME_WORDS
        and all(t[:1].isupper() and langid.is_vi_syllable(t) for t in names)
        and any(not t.isascii() for t in names)
    ):
        return LangGuess("vi", 0.9, "diacritics")
    if (
        len(tokens) >= langid._MIN_SLUG_TOKENS
        and text.isascii()
        and langid.vi_syllable_ratio(tokens) >= langid._SLUG_SYLLABLE_RATIO
    ):
        return LangGuess("vi-ascii", langid.vi_syllable_ratio(tokens), "syllables")
    by_words = langid._function_word_lang(tokens)
    if by_words is not None:
        return LangGuess(by_words, langid._FUNCTION_WORD_CONFIDENCE, "identifier")
    lang, prob = langid.classify_statistical(text)
    if lang == "vi":
        lang, prob = "fr" if default is None else default, 0.0
    threshold = langid.CONFIDENT if len(tokens) > 2 else (langid.CONFIDENT + 1.0) / 2
    if prob >= threshold or default is None:
        return LangGuess(langid._as_lang(lang), prob, "identifier")
    return LangGuess(default, prob, "default")


def _reference_evidence(tokens: list[str]) -> tuple[int, int]:
    lower = [t for t in tokens if t[:1].islower()]
    judged = lower if len(lower) >= 2 else [t for t in tokens if not t.isupper()] or tokens
    n_vi = sum(1 for t in judged if is_vi_marked(t))
    n_foreign = sum(1 for t in judged if not is_vi_marked(t) and not langid.is_vi_syllable(t))
    return n_vi, n_foreign


_DEFAULTS: tuple[Lang | None, ...] = (None, "fr", "vi")


def test_identify_answers_as_before_on_every_corpus_line() -> None:
    for line in _lines():
        for default in _DEFAULTS:
            assert langid.identify(line, default=default) == _reference_identify(line, default)


@settings(max_examples=300, deadline=None)
@given(_TEXT, st.sampled_from(_DEFAULTS))
def test_identify_answers_as_before_on_any_text(text: str, default: Lang | None) -> None:
    assert langid.identify(text, default=default) == _reference_identify(text, default)


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_shown_lang_is_identify_without_the_identifier(text: str) -> None:
    shown = langid.shown_lang(text)
    if shown is not None:
        assert shown == langid.identify(text)
    else:
        assert langid.identify(text).evidence == "identifier" or not words(text)


# --- glued lines ---------------------------------------------------------------------------


def _reference_script_changes(line: str, i: int) -> bool:
    """``aligner.glue._script_changes`` before the speed work: both sides identified."""
    left = line[max(0, i - glue._WINDOW) : i]
    head = " ".join(line[i : i + glue._WINDOW].split()[:8])
    tail = " ".join(left.split()[-8:])
    langs = {langid.identify(tail).lang, langid.identify(head).lang}
    if langs not in ({"vi", "fr"}, {"vi", "en"}):
        return False
    fragment = re.findall(r"[^\W\d_]+$", left)
    if fragment and fragment[0][:1].isupper():
        return sum(1 for w in words(head) if w[:1].islower()) >= 3
    return True


@pytest.mark.parametrize("joint", ["", "."])
def test_glue_junctions_as_before(joint: str) -> None:
    """Each line glued to the next (as scrapers glue them), every junction checked."""
    checked = 0
    lines = _lines()[:700]
    for before, after in itertools.pairwise(lines):
        text = before.rstrip(".") + joint + after
        for m in glue._CANDIDATE_RE.finditer(text, 1, len(text) - 1):
            i = m.start()
            if text[i].isupper():
                assert glue._script_changes(text, i) == _reference_script_changes(text, i)
                checked += 1
    assert checked > 300


# --- folding and the genre patterns' preconditions ---------------------------------------

_FOLD_PARTS = [*_PARTS, "Ω", "\u1100\u1161", "\u0b47\u0b3e", "가", "\U0001d15e", "\U000e0100"]
_FOLD_PARTS += ["ﬁ", "Ǆ", "\u0345", "ΐ", "\u302a", "\u3099", "œ", "ÆØÅ"]


@settings(max_examples=400)
@given(st.lists(st.sampled_from(_FOLD_PARTS), max_size=40).map("".join), st.booleans())
def test_fold_by_regex_is_fold_by_table(text: str, lower: bool) -> None:
    assert fold(text, lower=lower) == _fold_by_table(text, lower=lower)


def test_fold_agrees_on_every_corpus_line() -> None:
    for line in _lines():
        assert fold(line) == _fold_by_table(line), line


_SPEECH_PARTS = [*_PARTS, " a déclaré que ", " a ", " ont également souligné qu'"]
_SPEECH_PARTS += [" a qualifié "]
_SPEECH_PARTS += [" said that", " STRESSED: ", " cho biết: ", " nhấn mạnh rằng ", " QUE ", " QU’"]
_SPEECH_PARTS += [" Ảnh 3.", " - Ảnh 12 . ", " Photo 1", "\u00a0", " 2", "\n", " ."]


@settings(max_examples=500)
@given(st.lists(st.sampled_from(_SPEECH_PARTS), max_size=30).map("".join))
def test_pattern_preconditions_hold(text: str) -> None:
    """Each pattern is searched only where what it needs is there: never a match missed."""
    _check_preconditions(text)


def test_pattern_preconditions_hold_on_every_corpus_line() -> None:
    for line in _lines():
        _check_preconditions(line)


def _check_preconditions(text: str) -> None:
    assert page._reports_speech(text) == (page.REPORTED_SPEECH_RE.search(text) is not None)
    assert page._credit_tail(text) == (page.CREDIT_TAIL_RE.search(text) is not None)
    if page.PHOTO_NO_RE.match(text):
        assert page._ends_with_number(text)
    if page._TIME_RE.search(text) or meta.find_date(text):
        assert any(map(str.isdigit, text)) or "GMT" in text
    if page.DOMAIN_RE.search(text):
        assert "." in text


# --- residue pairing -------------------------------------------------------------------------


def _reference_focus(text: str, evidence: Sequence[Evidence], lex: Lexicon) -> str:
    """``aligner.pairs._focus`` before the speed work: every clause's anchors, every time."""
    clauses = [c.strip() for c in text.split(", ") if c.strip()]
    if len(clauses) <= 1:
        return text
    clause_anchors = [anchors(c, "fr", lex) for c in clauses]
    wanted = {e.anchor for e in evidence}
    best = (0, 0, len(clauses))
    for i in range(len(clauses)):
        found: set[str] = set()
        for j in range(i, len(clauses)):
            found |= clause_anchors[j] & wanted
            key = (len(found), -(j - i))
            if key > (best[0], -(best[2] - best[1] - 1)):
                best = (len(found), i, j + 1)
    return ", ".join(clauses[best[1] : best[2]])


_CLAUSES = ["Hà Nội", "le Vietnam", " 2025", "", " ", "la France", "Paris", "l'ONU", "riz"]


@settings(max_examples=300)
@given(st.lists(st.sampled_from(_CLAUSES), max_size=8), st.sets(st.sampled_from(_CLAUSES)))
def test_focus_as_before(clauses: list[str], held: set[str]) -> None:
    lex = default_lexicon()
    text = ", ".join(clauses)
    evidence = [Evidence("name", a, 1.0, a) for c in held for a in anchors(c, "fr", lex)]
    memo: dict[str, list[frozenset[str]]] = {}
    for _ in range(2):  # the memo's first and second use
        assert pairs._focus(text, evidence, lex, memo) == _reference_focus(text, evidence, lex)


@given(
    st.lists(
        st.tuples(
            st.sampled_from([(1,), (2,), (1, 2), (3,)]), st.sampled_from([0.0, 0.25, 0.5, 1.0])
        )
    )
)
def test_best_f_on_other_lines_as_before(rows: list[tuple[tuple[int, ...], float]]) -> None:
    unit = pairs.Unit("x", "fr", "paragraph", (0,), (1,), 0, 1)
    built = [
        (pairs.AlignedPair(unit, replace(unit, lines=lines), 0.0, (), "residue", "x"), {"f": f})
        for lines, f in rows
    ]
    top = pairs._top_two(built)
    for pair, _ in built:
        others = max((r[1]["f"] for r in built if r[0].fr.lines != pair.fr.lines), default=0.0)
        assert (top[0][1] if top[0][0] != pair.fr.lines else top[1][1]) == others
