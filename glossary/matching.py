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


def _word_pattern(words: list[str], *, plural: bool) -> str:
    parts = []
    for word in words:
        piece = re.escape(word)
        if plural and word.isalpha() and len(word) > 2:
            piece += "[sx]?"
        parts.append(piece)
    return r"[\s\-]+".join(parts)


def _words(term: Term, *, folded_text: bool) -> tuple[str, list[str]]:
    """The view a term is matched in (``exact``, ``lower`` or ``folded``) and its words as
    that view writes them."""
    if term.case_sensitive:
        return "exact", term.text.split()
    if term.lang == "vi" and not folded_text:
        return "lower", term.text.lower().split()
    return "folded", _fold(term.text).split()


def _pattern(term: Term, *, folded_text: bool) -> re.Pattern[str]:
    body = _word_pattern(_words(term, folded_text=folded_text)[1], plural=term.lang == "fr")
    return re.compile(rf"{_BEFORE}{body}{_AFTER}")


_RUN = re.compile(r"[^\W_]+")
"""A run of letters and digits: what the boundaries of every pattern cut text into."""
_PREFIX = -1
"""The value of a key that only begins longer keys."""


class _Index:
    """The terms of one glossary in one language (its forbidden ones, or the others) for one
    kind of text (``folded_text``), built once.

    Every match of a term covers whole runs of letters and digits of the text (its
    boundaries forbid a letter or digit on either side, and its separators hold none), and
    those runs are the term's own, except that a French plural may end one of them with
    ``s`` or ``x``. So each view's ``keys`` maps every term's runs, joined by spaces, to the
    term (its number here; a tuple where several terms share them), and every proper prefix
    of such a key to ``_PREFIX``; walking the text's runs through it finds every term that
    can match, usually exactly those that do, and only their regexes run (each compiled the
    first time it is needed). Terms without a letter or digit are tried on every call.

    Large glossaries make this the biggest structure of a process, so it holds no object
    per term that the garbage collector would have to walk: terms and concept ids are the
    glossary's own, in two lists; keys are strings and values ints (tuples where shared)."""

    __slots__ = ("always", "concept_ids", "folded_text", "keys", "patterns", "terms")

    def __init__(self, glossary: Glossary, lang: str, *, folded_text: bool, forbidden: bool):
        self.folded_text = folded_text
        self.terms: list[Term] = []
        self.concept_ids: list[str] = []
        self.keys: dict[str, dict[str, int | tuple[int, ...]]] = {}
        self.always: list[int] = []
        self.patterns: dict[int, re.Pattern[str]] = {}
        for concept in glossary.concepts:
            for term in concept.terms:
                if term.lang != lang or (term.status == "forbidden") != forbidden:
                    continue
                k = len(self.terms)
                self.terms.append(term)
                self.concept_ids.append(concept.id)
                view, words = _words(term, folded_text=folded_text)
                runs = [run for word in words for run in _RUN.findall(word)]
                if not runs:
                    self.always.append(k)
                    continue
                keys = self.keys.setdefault(view, {})
                key = runs[0]
                for run in runs[1:]:
                    keys.setdefault(key, _PREFIX)
                    key = f"{key} {run}"
                had = keys.get(key, _PREFIX)
                keys[key] = (
                    k if had == _PREFIX else (*(had if isinstance(had, tuple) else (had,)), k)
                )

    def _candidates(self, view: str, keys: dict[str, int | tuple[int, ...]], out: set[int]) -> None:
        runs = _RUN.findall(view)
        for i in range(len(runs)):
            states = [""]
            for run in runs[i:]:
                variants = (run, run[:-1]) if len(run) > 1 and run[-1] in "sx" else (run,)
                grown = []
                for state in states:
                    for variant in variants:
                        key = f"{state} {variant}" if state else variant
                        hit = keys.get(key)
                        if hit is None:
                            continue
                        grown.append(key)
                        if isinstance(hit, tuple):
                            out.update(hit)
                        elif hit != _PREFIX:
                            out.add(hit)
                if not grown:
                    break
                states = grown

    def find(self, text: str) -> list[TermMatch]:
        """Every match of the terms in ``text`` (overlapping ones included), in the order of
        the glossary's terms, offsets into ``text`` as given."""
        if not self.terms:
            return []
        nfc, starts = _nfc(text)
        lower, folded = _views(nfc)
        views = {"exact": nfc, "lower": lower, "folded": folded}
        picked = set(self.always)
        for name, keys in self.keys.items():
            self._candidates(views[name], keys, picked)
        found: list[TermMatch] = []
        for k in sorted(picked):
            term = self.terms[k]
            pattern = self.patterns.get(k)
            if pattern is None:
                pattern = self.patterns[k] = _pattern(term, folded_text=self.folded_text)
            view = views[_words(term, folded_text=self.folded_text)[0]]
            for m in pattern.finditer(view):
                start, end = starts[m.start()], starts[m.end()]
                found.append(TermMatch(self.concept_ids[k], term, start, end, text[start:end]))
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
    index = _Index(glossary, lang, folded_text=folded_text, forbidden=forbidden)
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
    if not index.terms:
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
