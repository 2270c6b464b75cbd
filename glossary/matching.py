"""Finding glossary terms in text.

French: case- and accent-insensitive, elided articles (``l'ONU``) and plural ``-s``/``-x``
accepted, hyphens and spaces interchangeable. Vietnamese: matched with its diacritics; text
written without them (URL slugs, careless input) is matched folded. Overlapping matches: the
longest wins, then the leftmost, so a shorter term inside a longer one is never matched on
its own. Case-sensitive terms (abbreviations such as ``ONU``) match their exact case only.

Boundaries: a term matches whole words, and Vietnamese terms whole syllables: it may not start
or end next to a letter, a digit or a combining mark (``Hà`` does not match in ``Hàn``). Text is
matched in its NFC form, so Vietnamese typed with combining diacritics
(``Ha\u0300 No\u0323\u0302i``, as some sites and keyboards write it) matches like precomposed
text. Offsets are code-point indices into the text as given.
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass

from glossary.model import Glossary, Term

_VI_ONLY = re.compile(r"[ăâđêôơưĂÂĐÊÔƠƯ]|[\u0300-\u0303\u0309\u0323]")
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_BEFORE = rf"(?<![^\W_])(?<![{_MARKS}])"
_AFTER = rf"(?![^\W_]|[{_MARKS}])"


@dataclass(frozen=True, slots=True)
class TermMatch:
    concept_id: str
    term: Term
    start: int
    end: int
    surface: str


@functools.lru_cache(maxsize=65536)
def _fold_char(ch: str) -> str:
    if ch in "đĐ":
        return "d"
    if ch in "’‘`":
        return "'"
    base = unicodedata.normalize("NFD", ch)[0]
    return base.lower() if len(base) == 1 else ch.lower()


def _fold(text: str) -> str:
    return "".join(map(_fold_char, text))


def _views(text: str) -> tuple[str, str]:
    """(lower-case, folded) views of ``text``, both of its length."""
    lower = text.lower()
    if len(lower) != len(text) or "Σ" in text:  # a letter lowered to two, or final sigma
        lower = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)
    return lower.replace("’", "'"), _fold(text)


def _word_pattern(words: tuple[str, ...], *, plural: bool) -> str:
    parts = []
    for word in words:
        piece = re.escape(word)
        if plural and word.isalpha() and len(word) > 2:
            piece += "[sx]?"
        parts.append(piece)
    return r"[\s\-]+".join(parts)


@dataclass(frozen=True, slots=True)
class _Entry:
    """One term as matched: its words as the view writes them (``exact``, ``lower`` or
    ``folded``); the regex is compiled only when the index offers the term as a candidate."""

    term: Term
    concept_id: str
    view: str
    words: tuple[str, ...]

    def pattern(self) -> re.Pattern[str]:
        body = _word_pattern(self.words, plural=self.term.lang == "fr")
        return re.compile(rf"{_BEFORE}{body}{_AFTER}")


def _entry(term: Term, concept_id: str, *, folded_text: bool) -> _Entry:
    if term.case_sensitive:
        words, view = term.text.split(), "exact"
    elif term.lang == "vi" and not folded_text:
        words, view = term.text.lower().split(), "lower"
    else:
        words, view = _fold(term.text).split(), "folded"
    return _Entry(term, concept_id, view, tuple(words))


_RUN = re.compile(r"[^\W_]+")
"""A run of letters and digits: what the boundaries of every pattern cut text into."""


class _ViewIndex:
    """The terms of one view keyed by their runs of letters and digits, joined by spaces.

    Every match of a term covers whole runs of the text (its boundaries forbid a letter or
    digit on either side, and its separators hold none), and those runs are the term's own,
    except that a French plural may end one of them with ``s`` or ``x``. So walking the
    text's runs through ``prefixes`` (every prefix of every key) finds every term that can
    match, usually exactly those that do; their regexes then decide."""

    __slots__ = ("ends", "prefixes")

    def __init__(self) -> None:
        self.ends: dict[str, list[int]] = {}
        self.prefixes: set[str] = set()

    def add(self, runs: list[str], entry_idx: int) -> None:
        key = ""
        for run in runs:
            key = f"{key} {run}" if key else run
            self.prefixes.add(key)
        self.ends.setdefault(key, []).append(entry_idx)

    def candidates(self, view: str, out: set[int]) -> None:
        runs = _RUN.findall(view)
        prefixes, ends = self.prefixes, self.ends
        for i in range(len(runs)):
            states = [""]
            for run in runs[i:]:
                variants = (run, run[:-1]) if len(run) > 1 and run[-1] in "sx" else (run,)
                grown = []
                for state in states:
                    for variant in variants:
                        key = f"{state} {variant}" if state else variant
                        if key in prefixes:
                            grown.append(key)
                            hit = ends.get(key)
                            if hit is not None:
                                out.update(hit)
                if not grown:
                    break
                states = grown


class _Index:
    """The terms of one glossary in one language (its forbidden ones, or the others) for one
    kind of text, built once: a :class:`_ViewIndex` per view, terms without a letter or digit
    (checked on every call), and each term's regex once it was needed."""

    __slots__ = ("always", "entries", "patterns", "views")

    def __init__(self, entries: list[_Entry]) -> None:
        self.entries = entries
        self.patterns: list[re.Pattern[str] | None] = [None] * len(entries)
        self.views: dict[str, _ViewIndex] = {}
        self.always: list[int] = []
        for k, entry in enumerate(entries):
            runs = [run for word in entry.words for run in _RUN.findall(word)]
            if runs:
                self.views.setdefault(entry.view, _ViewIndex()).add(runs, k)
            else:
                self.always.append(k)

    def find(self, text: str) -> list[TermMatch]:
        """Every match of the terms in ``text`` (overlapping ones included), in the order of
        the glossary's terms, offsets into ``text`` as given."""
        if not self.entries:
            return []
        nfc, starts = _nfc(text)
        lower, folded = _views(nfc)
        views = {"exact": nfc, "lower": lower, "folded": folded}
        picked = set(self.always)
        for name, index in self.views.items():
            index.candidates(views[name], picked)
        found: list[TermMatch] = []
        for k in sorted(picked):
            entry = self.entries[k]
            pattern = self.patterns[k]
            if pattern is None:
                pattern = self.patterns[k] = entry.pattern()
            for m in pattern.finditer(views[entry.view]):
                start, end = starts[m.start()], starts[m.end()]
                found.append(TermMatch(entry.concept_id, entry.term, start, end, text[start:end]))
        return found


_CACHE_SIZE = 64
_cache: OrderedDict[tuple[int, str, bool, bool], tuple[Glossary, _Index]] = OrderedDict()
_cache_lock = threading.Lock()


def _cached(glossary: Glossary, lang: str, folded_text: bool, *, forbidden: bool) -> _Index:
    """The index of ``glossary``'s terms in ``lang`` (its forbidden ones, or the others),
    kept for the glossary object itself: looked up by identity, not by hashing every concept
    of a large glossary on each call; built once (the parsed versions the service serves are
    cached objects, so once per version)."""
    key = (id(glossary), lang, folded_text, forbidden)
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None and hit[0] is glossary:
            _cache.move_to_end(key)
            return hit[1]
    index = _Index(
        [
            _entry(term, concept.id, folded_text=folded_text)
            for concept in glossary.concepts
            for term in concept.terms
            if term.lang == lang and (term.status == "forbidden") == forbidden
        ]
    )
    with _cache_lock:
        _cache[key] = (glossary, index)  # holds the glossary: its id is not reused meanwhile
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return index


def _nfc(text: str) -> tuple[str, list[int]]:
    """``text`` in NFC and, for each of its positions (and its end), the offset in ``text``.

    Normalisation works per cluster (a character and the combining marks after it), so every
    position of the NFC text maps to the start of its cluster in the text as given."""
    if unicodedata.is_normalized("NFC", text):
        return text, list(range(len(text) + 1))
    out: list[str] = []
    starts: list[int] = []
    k = 0
    while k < len(text):
        end = k + 1
        while end < len(text) and unicodedata.category(text[end]).startswith("M"):
            end += 1
        cluster = unicodedata.normalize("NFC", text[k:end])
        out.append(cluster)
        starts += [k] * len(cluster)
        k = end
    starts.append(len(text))
    return "".join(out), starts


def _longest_first(found: list[TermMatch]) -> list[TermMatch]:
    """Non-overlapping matches, the longest first, then the leftmost; in text order."""
    found = sorted(found, key=lambda m: (-(m.end - m.start), m.start))
    chosen: list[TermMatch] = []
    taken: list[tuple[int, int]] = []
    for match in found:
        if all(match.end <= s or match.start >= e for s, e in taken):
            chosen.append(match)
            taken.append((match.start, match.end))
    return sorted(chosen, key=lambda m: m.start)


def find_terms(glossary: Glossary, text: str, lang: str) -> list[TermMatch]:
    """Glossary terms of ``lang`` in ``text`` (not forbidden ones), non-overlapping, the
    longest first, in text order."""
    folded_text = lang == "vi" and not _VI_ONLY.search(unicodedata.normalize("NFD", text))
    return _longest_first(_cached(glossary, lang, folded_text, forbidden=False).find(text))


def find_forbidden(glossary: Glossary, text: str, lang: str) -> list[TermMatch]:
    """Forbidden terms of ``lang`` that appear in ``text``, non-overlapping and in text order,
    except where they sit inside a longer term of the glossary that is not forbidden."""
    index = _cached(glossary, lang, True, forbidden=True)
    if not index.entries:
        return []
    allowed = find_terms(glossary, text, lang)
    return [
        m
        for m in _longest_first(index.find(text))
        if not any(
            a.start <= m.start and m.end <= a.end and a.end - a.start > m.end - m.start
            for a in allowed
        )
    ]
