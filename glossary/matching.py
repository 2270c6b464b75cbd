"""Finding glossary terms in text.

French: case- and accent-insensitive, elided articles (``l'ONU``) and plural ``-s``/``-x``
accepted, hyphens and spaces interchangeable. Vietnamese: matched with its diacritics; text
written without them (URL slugs, careless input) is matched folded. Overlapping matches: the
longest wins, then the leftmost. Case-sensitive terms (abbreviations such as ``ONU``) match
their exact case only. Offsets are code-point indices into the text as given.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from glossary.model import Glossary, Term

_VI_ONLY = re.compile(r"[ăâđêôơưĂÂĐÊÔƠƯ]|[\u0300-\u0303\u0309\u0323]")


@dataclass(frozen=True, slots=True)
class TermMatch:
    concept_id: str
    term: Term
    start: int
    end: int
    surface: str


def _fold_char(ch: str) -> str:
    if ch in "đĐ":
        return "d"
    if ch in "’‘`":
        return "'"
    base = unicodedata.normalize("NFD", ch)[0]
    return base.lower() if len(base) == 1 else ch.lower()


def _views(text: str) -> tuple[str, str]:
    """(lower-case, folded) views of ``text``, both of its length."""
    nfc = text
    lower = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in nfc).replace("’", "'")
    folded = "".join(_fold_char(ch) for ch in nfc)
    return lower, folded


def _word_pattern(words: list[str], *, plural: bool) -> str:
    parts = []
    for word in words:
        piece = re.escape(word)
        if plural and word.isalpha() and len(word) > 2:
            piece += "[sx]?"
        parts.append(piece)
    return r"[\s\-]+".join(parts)


@dataclass(frozen=True)
class _Compiled:
    pattern: re.Pattern[str]
    term: Term
    concept_id: str
    view: str  # "exact", "lower" or "folded"


def _compile(term: Term, concept_id: str, *, folded_text: bool) -> _Compiled:
    if term.case_sensitive:
        words, view = term.text.split(), "exact"
    elif term.lang == "vi" and not folded_text:
        words, view = term.text.lower().split(), "lower"
    else:
        words = "".join(_fold_char(ch) for ch in term.text).split()
        view = "folded"
    body = _word_pattern(words, plural=term.lang == "fr")
    pattern = re.compile(rf"(?<![^\W_]){body}(?![^\W_])")
    return _Compiled(pattern, term, concept_id, view)


@lru_cache(maxsize=64)
def _compiled(glossary: Glossary, lang: str, folded_text: bool) -> tuple[_Compiled, ...]:
    return tuple(
        _compile(term, concept.id, folded_text=folded_text)
        for concept in glossary.concepts
        for term in concept.in_lang(lang)
        if term.status != "forbidden"
    )


def find_terms(glossary: Glossary, text: str, lang: str) -> list[TermMatch]:
    """Glossary terms of ``lang`` in ``text``, non-overlapping, in text order."""
    folded_text = lang == "vi" and not _VI_ONLY.search(unicodedata.normalize("NFD", text))
    lower, folded = _views(text)
    views = {"exact": text, "lower": lower, "folded": folded}
    found: list[TermMatch] = []
    for comp in _compiled(glossary, lang, folded_text):
        for m in comp.pattern.finditer(views[comp.view]):
            found.append(
                TermMatch(comp.concept_id, comp.term, m.start(), m.end(), text[m.start() : m.end()])
            )
    found.sort(key=lambda m: (-(m.end - m.start), m.start))
    chosen: list[TermMatch] = []
    taken: list[tuple[int, int]] = []
    for match in found:
        if all(match.end <= s or match.start >= e for s, e in taken):
            chosen.append(match)
            taken.append((match.start, match.end))
    return sorted(chosen, key=lambda m: m.start)


def find_forbidden(glossary: Glossary, text: str, lang: str) -> list[TermMatch]:
    """Forbidden terms of ``lang`` that appear in ``text``."""
    _lower, folded = _views(text)
    out = []
    for concept in glossary.concepts:
        for term in concept.in_lang(lang):
            if term.status != "forbidden":
                continue
            comp = _compile(term, concept.id, folded_text=True)
            view = text if comp.view == "exact" else folded
            out += [
                TermMatch(concept.id, term, m.start(), m.end(), text[m.start() : m.end()])
                for m in comp.pattern.finditer(view)
            ]
    return sorted(out, key=lambda m: m.start)
