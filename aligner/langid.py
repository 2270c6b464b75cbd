"""Language identification for fr / vi / vi-ascii / en / mixed text.

Two kinds of evidence, in this order:

1. what the text itself shows: letters only Vietnamese writes (đ, ơ, ư, hook, dot below...),
   and, for text without diacritics, whether every token has the shape of a Vietnamese
   syllable (URL slugs such as ``cong-uoc-ha-noi``);
2. a statistical identifier (py3langid, restricted to the three languages) for the rest.

Short strings carry little evidence ("Ha Van", "Locale"): when the identifier is not confident
the caller's ``default`` (the page's language) wins. A 2-word string is never called English
or French on the identifier's word alone unless it is very sure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

from aligner.text import has_vi_marked, is_vi_marked, is_vi_syllable, vi_syllable_ratio, words

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

Lang = Literal["fr", "vi", "vi-ascii", "en", "mixed", "und"]
"""ISO 639-1 codes, plus ``vi-ascii`` (Vietnamese without diacritics), ``mixed`` and ``und``."""

LANGS: tuple[Lang, ...] = ("fr", "vi", "vi-ascii", "en", "mixed", "und")

CONFIDENT = 0.8
"""Identifier probability (normalised over fr/vi/en) above which its answer stands alone."""

_MIN_MIXED_WORDS = 3
_CHUNK_RE = re.compile(r"\s[-–—/]\s|[()\[\]«»\"“”:;|]")
_MAX_NAME_WORDS = 5
_MIN_SLUG_TOKENS = 4
_SLUG_SYLLABLE_RATIO = 0.85


@dataclass(frozen=True, slots=True)
class LangGuess:
    """A language decision and what it rests on.

    ``confidence`` is in [0, 1]; ``evidence`` is one of ``diacritics``, ``syllables``,
    ``identifier``, ``default`` or ``none``.
    """

    lang: Lang
    confidence: float
    evidence: str


IDENTIFIER_LANGS = ("fr", "vi", "en")
"""The languages the statistical identifier chooses among."""

_installed: list[LanguageIdentifier] = []


def use_identifier(ident: LanguageIdentifier) -> None:
    """Use ``ident`` (py3langid's, restricted to :data:`IDENTIFIER_LANGS`) instead of loading
    the model packaged with py3langid, which takes most of a second to decompress: for a
    caller that keeps the model decompressed (``service.align.langid_cache``)."""
    _installed[:] = [ident]
    _identifier.cache_clear()


def installed_identifier() -> LanguageIdentifier | None:
    """The identifier given to :func:`use_identifier`, if any."""
    return _installed[0] if _installed else None


@lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    if _installed:
        return _installed[0]
    from py3langid.langid import MODEL_FILE, LanguageIdentifier  # noqa: PLC0415 (lazy: 1 s)

    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    ident.set_languages(list(IDENTIFIER_LANGS))
    return ident


def classify_statistical(text: str) -> tuple[str, float]:
    """py3langid's answer among fr/vi/en and its normalised probability."""
    lang, prob = _identifier().classify(text)
    return str(lang), float(prob)


def identify(text: str, *, default: Lang | None = None) -> LangGuess:
    """Decide the language of ``text``.

    ``default`` is returned (evidence ``default``) when the text shows too little to decide;
    with no default the best weak guess is returned instead.
    """
    return identify_words(text, words(text), default=default)


def classify_statistical_many(texts: list[str]) -> list[tuple[str, float]]:
    """``[classify_statistical(t) for t in texts]``, the identifier's byte automaton walked
    over all of them at once (:mod:`aligner.langid_batch`)."""
    if not texts:
        return []
    from aligner.langid_batch import classify_many  # noqa: PLC0415 (numpy: only pages need it)

    return classify_many(_identifier(), texts)


def identify_words(text: str, tokens: list[str], *, default: Lang | None = None) -> LangGuess:
    """:func:`identify` for a caller that holds ``words(text)`` already (``tokens``)."""
    if not tokens:
        return LangGuess(default or "und", 0.0, "default" if default else "none")
    shown = _shown(text, tokens)
    if shown is not None:
        return shown
    return _from_identifier(classify_statistical(text), tokens, default)


def identify_many(
    items: list[tuple[str, list[str]]], *, default: Lang | None = None
) -> list[LangGuess]:
    """``[identify_words(text, tokens, default=default) for text, tokens in items]``, with
    the statistical identifier run over the texts that need it together."""
    out: list[LangGuess | None] = [
        _shown(text, tokens)
        if tokens
        else LangGuess(default or "und", 0.0, "default" if default else "none")
        for text, tokens in items
    ]
    asked = [i for i, guess in enumerate(out) if guess is None]
    answers = classify_statistical_many([items[i][0] for i in asked])
    for i, answer in zip(asked, answers, strict=True):
        out[i] = _from_identifier(answer, items[i][1], default)
    return [guess for guess in out if guess is not None]


def _from_identifier(
    answer: tuple[str, float], tokens: list[str], default: Lang | None
) -> LangGuess:
    """What :func:`identify` answers from the statistical identifier's ``(lang, prob)``."""
    lang, prob = answer
    if lang == "vi":  # no Vietnamese letters and not syllable-shaped: not Vietnamese
        lang, prob = "fr" if default is None else default, 0.0
    threshold = CONFIDENT if len(tokens) > 2 else (CONFIDENT + 1.0) / 2
    if prob >= threshold or default is None:
        return LangGuess(_as_lang(lang), prob, "identifier")
    return LangGuess(default, prob, "default")


def shown_lang(text: str) -> LangGuess | None:
    """What :func:`identify` answers from the text alone (its letters, syllables and function
    words; ``vi`` is only ever answered so), or None where it would ask the statistical
    identifier."""
    tokens = words(text)
    return _shown(text, tokens) if tokens else None


def _shown(text: str, tokens: list[str]) -> LangGuess | None:
    """:func:`shown_lang` of a text with at least one word. A text without a letter only
    Vietnamese writes has no Vietnamese evidence: the chunk and label checks are skipped."""
    marked = has_vi_marked(text)
    if marked:
        chunks = _CHUNK_RE.split(text)
        whole: tuple[int, int] | None = None
        vi_words = other_words = 0
        for chunk in chunks:
            chunk_tokens = tokens if len(chunks) == 1 else words(chunk)
            n_vi, n_foreign = _vi_evidence(chunk_tokens)
            if len(chunks) == 1:
                whole = n_vi, n_foreign
            if n_vi >= 1 and n_vi >= n_foreign:
                vi_words += len(chunk_tokens)
            elif n_foreign >= 2:
                other_words += len(chunk_tokens)
        if vi_words >= _MIN_MIXED_WORDS and other_words >= _MIN_MIXED_WORDS:
            return LangGuess("mixed", vi_words / (vi_words + other_words), "diacritics")
        if _bilingual_label(text):
            return LangGuess("mixed", 0.5, "diacritics")
        n_vi, n_foreign = whole if whole is not None else _vi_evidence(tokens)
        if n_vi >= 1 and n_vi >= n_foreign:
            return LangGuess("vi", n_vi / (n_vi + n_foreign), "diacritics")

    if not text.isascii() and _vi_name(tokens):
        return LangGuess("vi", 0.9, "diacritics")
    if len(tokens) >= _MIN_SLUG_TOKENS and text.isascii():
        ratio = vi_syllable_ratio(tokens)
        if ratio >= _SLUG_SYLLABLE_RATIO:
            return LangGuess("vi-ascii", ratio, "syllables")

    by_words = None if marked else _function_word_lang(tokens, marked=False)
    if by_words is not None:
        return LangGuess(by_words, _FUNCTION_WORD_CONFIDENCE, "identifier")
    return None


# Function words that only one of French and English writes (``a``, ``on``, ``as``, ``plus``
# are in both): a line with three of one list and none of the other is that language for the
# statistical identifier too (tests/test_langid_fast.py checks every line of the corpus and
# the seeds and samples of FLORES-200 dev and Tatoeba), so the identifier, the costliest step
# of a page's analysis, is not run for it.
_FR_TEXT = (
    "le la les des du de et au aux un une est sont dans pour par sur avec qui que ce cette "
    "ces ses son sa leur leurs ont été pas ne nous vous il ils elle elles se lors entre selon "
    "après avant depuis aussi"
)
_EN_TEXT = (
    "the of and to in is are for with that by this from was were has have it at be an which "
    "their its will been not but or"
)
_FR_WORDS = frozenset(_FR_TEXT.split())
_EN_WORDS = frozenset(_EN_TEXT.split())
_MIN_FUNCTION_WORDS = 3
_FUNCTION_WORD_CONFIDENCE = 0.99


def _function_word_lang(tokens: list[str], *, marked: bool | None = None) -> Lang | None:
    """``fr`` or ``en`` when the function words leave no doubt, else None (always None when a
    word has a letter only Vietnamese writes: glued Vietnamese and French, left to the
    identifier). ``marked``: whether one has, where the caller knows it already."""
    lows = list(map(str.lower, tokens))
    n_fr = sum(map(_FR_WORDS.__contains__, lows))  # the two lists share no word
    n_en = sum(map(_EN_WORDS.__contains__, lows))
    if min(n_fr, n_en) > 0 or max(n_fr, n_en) < _MIN_FUNCTION_WORDS:
        return None
    if marked if marked is not None else any(is_vi_marked(t) for t in tokens):
        return None
    return "fr" if n_fr else "en"


def _vi_name(tokens: list[str]) -> bool:
    """A short run of capitalised Vietnamese syllables, one at least with a diacritic, acronyms
    aside: a person's name as Vietnamese writes it (``Thu Hà``, ``Minh Quân/CVN``)."""
    names = [t for t in tokens if not (t.isupper() and len(t) > 1)]
    return (
        0 < len(names) <= _MAX_NAME_WORDS
        and any(not t.isascii() for t in names)
        and all(t[:1].isupper() and is_vi_syllable(t) for t in names)
    )


def _bilingual_label(text: str) -> bool:
    """``Ảnh minh họa / Photo d'illustration``: two short halves, one Vietnamese and one not,
    each with a lower-case word (not two names)."""
    halves = re.split(r"\s/\s", text)
    if len(halves) != 2:
        return False
    kinds = []
    for half in halves:
        tokens = words(half)
        if not 2 <= len(tokens) <= 6 or not any(t[:1].islower() for t in tokens):
            return False
        n_vi, n_foreign = _vi_evidence(tokens)
        kinds.append(n_vi >= 1 and n_vi >= n_foreign)
    return kinds[0] != kinds[1]


def _vi_evidence(tokens: list[str]) -> tuple[int, int]:
    """(words with Vietnamese-only letters, words that cannot be Vietnamese syllables).

    Capitalised words are mostly names (Phạm Minh Chính on a French page), so the count is
    taken over the lower-case words when there are at least two of them.
    """
    lower = [t for t in tokens if t[:1].islower()]
    judged = lower if len(lower) >= 2 else [t for t in tokens if not t.isupper()] or tokens
    n_vi = n_foreign = 0
    for t in judged:
        if is_vi_marked(t):
            n_vi += 1
        elif not is_vi_syllable(t):
            n_foreign += 1
    return n_vi, n_foreign


def _as_lang(code: str) -> Lang:
    for lang in LANGS:
        if lang == code:
            return lang
    return "und"


_SLUG_LANG_RATIO = 0.7


def slug_lang(slug_words: tuple[str, ...] | list[str]) -> Lang:
    """The language of a URL slug's words: ``vi-ascii`` when most are Vietnamese syllables
    (a name such as ``amina-j-mohammed`` or ``dak-lak`` may break the pattern), else what
    :func:`identify` says; ``und`` for no slug."""
    tokens = [w for w in slug_words if w.isalpha()]
    if not tokens:
        return "und"
    if len(tokens) >= _MIN_SLUG_TOKENS and vi_syllable_ratio(tokens) >= _SLUG_LANG_RATIO:
        return "vi-ascii"
    return identify(" ".join(tokens)).lang


def document_lang(texts: list[str], *, sample: int = 50) -> Lang:
    """The dominant language of a list of sentences (by characters, over up to ``sample`` of
    them spread across the list); ``und`` when nothing can be told."""
    if not texts:
        return "und"
    step = max(1, len(texts) // sample)
    weight: dict[Lang, int] = {}
    chosen = texts[::step][:sample]
    guesses = identify_many([(text[:2000], words(text[:2000])) for text in chosen])
    for text, guess in zip(chosen, guesses, strict=True):
        if guess.lang in ("fr", "vi", "vi-ascii", "en"):
            lang: Lang = "vi" if guess.lang == "vi-ascii" else guess.lang
            weight[lang] = weight.get(lang, 0) + len(text)
    return max(weight, key=lambda k: weight[k]) if weight else "und"
