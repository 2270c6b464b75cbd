"""The simple reference matcher: every term's regex over the text, no index. A copy of
``glossary/matching.py`` before it was indexed, kept for the property test that the indexed
matcher finds exactly the same matches.

Finding glossary terms in text.

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

import re
import unicodedata
from dataclasses import dataclass

from glossary.matching import TermMatch
from glossary.model import Glossary, Term

_VI_ONLY = re.compile(r"[ăâđêôơưĂÂĐÊÔƠƯ]|[\u0300-\u0303\u0309\u0323]")
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_BEFORE = rf"(?<![^\W_])(?<![{_MARKS}])"
_AFTER = rf"(?![^\W_]|[{_MARKS}])"


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
    first: str  # the first word as the view writes it: in every match, so a cheap pre-check


def _compile(term: Term, concept_id: str, *, folded_text: bool) -> _Compiled:
    if term.case_sensitive:
        words, view = term.text.split(), "exact"
    elif term.lang == "vi" and not folded_text:
        words, view = term.text.lower().split(), "lower"
    else:
        words = "".join(_fold_char(ch) for ch in term.text).split()
        view = "folded"
    body = _word_pattern(words, plural=term.lang == "fr")
    pattern = re.compile(rf"{_BEFORE}{body}{_AFTER}")
    return _Compiled(pattern, term, concept_id, view, words[0])


def _compiled(
    glossary: Glossary, lang: str, folded_text: bool, *, forbidden: bool = False
) -> tuple[_Compiled, ...]:
    return tuple(
        _compile(term, concept.id, folded_text=folded_text)
        for concept in glossary.concepts
        for term in concept.in_lang(lang)
        if (term.status == "forbidden") == forbidden
    )


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


def _find(comps: tuple[_Compiled, ...], text: str) -> list[TermMatch]:
    """Every match of ``comps`` in ``text`` (overlapping ones included), offsets into
    ``text`` as given."""
    nfc, starts = _nfc(text)
    lower, folded = _views(nfc)
    views = {"exact": nfc, "lower": lower, "folded": folded}
    found: list[TermMatch] = []
    for comp in comps:
        view = views[comp.view]
        if comp.first not in view:  # most terms of a large glossary: no regex run
            continue
        for m in comp.pattern.finditer(view):
            start, end = starts[m.start()], starts[m.end()]
            found.append(TermMatch(comp.concept_id, comp.term, start, end, text[start:end]))
    return found


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


def _compiled_forbidden(glossary: Glossary, lang: str) -> tuple[_Compiled, ...]:
    return _compiled(glossary, lang, True, forbidden=True)


def find_terms(glossary: Glossary, text: str, lang: str) -> list[TermMatch]:
    """Glossary terms of ``lang`` in ``text`` (not forbidden ones), non-overlapping, the
    longest first, in text order."""
    folded_text = lang == "vi" and not _VI_ONLY.search(unicodedata.normalize("NFD", text))
    return _longest_first(_find(_compiled(glossary, lang, folded_text), text))


def find_forbidden(glossary: Glossary, text: str, lang: str) -> list[TermMatch]:
    """Forbidden terms of ``lang`` that appear in ``text``, non-overlapping and in text order,
    except where they sit inside a longer term of the glossary that is not forbidden."""
    comps = _compiled_forbidden(glossary, lang)
    if not comps:
        return []
    allowed = find_terms(glossary, text, lang)
    return [
        m
        for m in _longest_first(_find(comps, text))
        if not any(
            a.start <= m.start and m.end <= a.end and a.end - a.start > m.end - m.start
            for a in allowed
        )
    ]
