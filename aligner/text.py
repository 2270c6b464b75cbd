"""Unicode helpers shared by page analysis and alignment.

Everything here is a pure function of its arguments. Offsets are Python string indices
(code points), never bytes.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Combining marks that French never puts on a letter, but Vietnamese does.
_COMBINING_VI_ONLY = {
    "\u0306",  # breve: ă
    "\u031b",  # horn: ơ ư
    "\u0309",  # hook above: ả ẻ ỉ ỏ ủ ỷ
    "\u0323",  # dot below: ạ ẹ ị ọ ụ ỵ
    "\u0303",  # tilde: ã ẽ ĩ õ ũ ỹ
}
_ACUTE = "\u0301"
_GRAVE = "\u0300"
_CIRCUMFLEX = "\u0302"

WORD_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*", re.UNICODE)
"""A word: a run of letters, with inner apostrophes (aujourd'hui, l'ONU)."""


@lru_cache(maxsize=4096)
def is_vi_marked(word: str) -> bool:
    """True if ``word`` carries a diacritic that Vietnamese uses and French does not.

    French letters (é è ê ë à â ù û ü î ï ô ç œ) are never evidence; đ, ă, ơ, ư, the hook,
    the dot below, the tilde, an acute on anything but e, a grave on i/o/y, and a circumflex
    stacked with a tone mark (ấ, ồ) are.
    """
    for ch in word:
        if ch in "đĐ":
            return True
        decomposed = unicodedata.normalize("NFD", ch)
        if len(decomposed) == 1:
            continue
        base, marks = decomposed[0].lower(), decomposed[1:]
        if any(m in _COMBINING_VI_ONLY for m in marks):
            return True
        if _ACUTE in marks and (base != "e" or _CIRCUMFLEX in marks):
            return True
        if _GRAVE in marks and (base in "ioy" or _CIRCUMFLEX in marks):
            return True
    return False


_MAX_VI_MARKED = 0x2000
"""No code point from here on is :func:`is_vi_marked` (tests/test_page_speed.py checks)."""


@lru_cache(maxsize=1)
def _vi_marked_re() -> re.Pattern[str]:
    chars = (chr(c) for c in range(_MAX_VI_MARKED))
    changed = (ch for ch in chars if ch in "đĐ" or unicodedata.normalize("NFD", ch) != ch)
    marked = "".join(ch for ch in changed if WORD_RE.fullmatch(ch) and is_vi_marked.__wrapped__(ch))
    return re.compile(f"[{re.escape(marked)}]")


def has_vi_marked(text: str) -> bool:
    """``any(is_vi_marked(w) for w in words(text))``, in one scan: whether a letter of ``text``
    is one only Vietnamese writes (:func:`is_vi_marked` is a property of single letters)."""
    return _vi_marked_re().search(text) is not None


class _CombiningMarks(dict[int, int | None]):
    """``str.translate`` table that deletes combining characters: filled on first sight of
    each code point (a page holds a few hundred distinct ones), looked up in C after that."""

    def __missing__(self, code: int) -> int | None:
        value = None if unicodedata.combining(chr(code)) else code
        self[code] = value
        return value


_NO_COMBINING = _CombiningMarks()


_FOLD_TABLE_END = 0x3000
"""Combining marks below this code point are deleted by one regex; a text with a character
at or past it goes through :data:`_NO_COMBINING` instead (tests/test_page_speed.py)."""
_PAST_TABLE_RE = re.compile(f"[^\\x00-{chr(_FOLD_TABLE_END - 1)}]")


@lru_cache(maxsize=1)
def _combining_re() -> re.Pattern[str]:
    marks = (chr(c) for c in range(_FOLD_TABLE_END) if unicodedata.combining(chr(c)))
    return re.compile(f"[{re.escape(''.join(marks))}]")


def fold(text: str, *, lower: bool = True) -> str:
    """Strip diacritics (Vietnamese and French), mapping đ to d; optionally lower-case.

    The result has the same number of words as ``text`` but not always the same length
    (ligatures such as œ are kept as they are).
    """
    if text.isascii():  # nothing to decompose or strip
        return text.lower() if lower else text
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    if _PAST_TABLE_RE.search(decomposed) is None:
        bare = _combining_re().sub("", decomposed)
    else:
        bare = decomposed.translate(_NO_COMBINING)
    stripped = unicodedata.normalize("NFC", bare)
    return stripped.lower() if lower else stripped


def _fold_by_table(text: str, *, lower: bool = True) -> str:
    """:func:`fold` through the translate table alone (what the tests compare it with)."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = unicodedata.normalize("NFC", decomposed.translate(_NO_COMBINING))
    return stripped.lower() if lower else stripped


_FOLD_BY_CHAR_RE = re.compile("[^\x00-\u024f\u1e00-\u1eff\u2000-\u206f]")
"""A character outside Latin (ASCII to Latin Extended-B, Latin Extended Additional) and
General Punctuation. Text without one folds character by character, each character into one
of the same class (letter, apostrophe, other): tests/test_page_speed.py checks every one."""


@lru_cache(maxsize=16384)
def fold_word(word: str) -> str:
    """:func:`fold` of one word (lower-cased), kept for the words seen most."""
    return fold(word)


def folded_words(text: str, tokens: list[str]) -> list[str]:
    """``words(fold(text))`` for a caller that holds ``tokens == words(text)``: each word
    folded on its own (and looked up) where folding keeps the words' bounds."""
    if _FOLD_BY_CHAR_RE.search(text) is None:
        return list(map(fold_word, tokens))
    return words(fold(text))


def words(text: str) -> list[str]:
    """The words of ``text`` (letters only; digits and punctuation are separators)."""
    return word_pattern(text).findall(text)


def word_pattern(text: str) -> re.Pattern[str]:
    """:data:`WORD_RE`, or for text with no code point from U+3000 on (nearly every line) the
    same pattern with its letter class spelled out (about 2x faster)."""
    return WORD_RE if _PAST_PLAIN_RE.search(text) is not None else _plain_word_re()


_PAST_PLAIN_RE = re.compile("[^\x00-\u2fff]")


@lru_cache(maxsize=1)
def _plain_word_re() -> re.Pattern[str]:
    """WORD_RE with its letter class ``[^\\W\\d_]`` spelled out below U+3000 as ranges, each
    code point taken from WORD_RE's own class: the regex engine looks a character up in one
    bitmap instead of testing three categories (built on first use: about 10 ms)."""
    letter = re.compile(r"[^\W\d_]")
    ranges: list[list[int]] = []
    for code in range(0x3000):
        if letter.match(chr(code)) is not None:
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1][1] = code
            else:
                ranges.append([code, code])
    spelled = "".join(f"\\u{a:04x}-\\u{b:04x}" for a, b in ranges)
    return re.compile(f"[{spelled}]+(?:['’][{spelled}]+)*")


# Vietnamese syllable structure, diacritics folded: onset, vowel nucleus, coda.
_ONSETS = "ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|b|c|d|g|h|k|l|m|n|p|r|s|t|v|x"
_NUCLEI = (
    "uye|uya|uyu|uoi|uou|ieu|yeu|oai|oay|oao|oeo|uay|uai|uoc|"
    "ai|ao|au|ay|eo|ia|ie|iu|oa|oe|oi|oo|ua|ue|ui|uo|uu|uy|ye|"
    "a|e|i|o|u|y"
)
_CODAS = "ch|ng|nh|c|m|n|p|t|i|o|u|y"
_SYLLABLE_RE = re.compile(rf"^(?:{_ONSETS})?(?:{_NUCLEI})(?:{_CODAS})?$")


@lru_cache(maxsize=8192)
def is_vi_syllable(token: str) -> bool:
    """True if ``token`` (any case, diacritics or not) has the shape of one Vietnamese syllable."""
    folded = fold(token)
    return len(folded) <= 7 and _SYLLABLE_RE.match(folded) is not None


def vi_syllable_ratio(tokens: list[str]) -> float:
    """Fraction of ``tokens`` shaped like Vietnamese syllables (0.0 for no tokens)."""
    if not tokens:
        return 0.0
    return sum(1 for t in tokens if is_vi_syllable(t)) / len(tokens)
