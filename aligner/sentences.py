"""Sentence splitting for French and Vietnamese news text (rule-based, offline).

A sentence ends at ``.``, ``!``, ``?`` or ``…`` (optionally followed by closing quotes or
brackets) when the next word starts with a capital, a digit or an opening quote, unless the
word before the point is an abbreviation (``M.``, ``Mme.``, ``Dr.``, ``TP.``, single initials).
Returns character spans so that callers keep offsets into the original text.
"""

from __future__ import annotations

import re

_ABBREVIATIONS = frozenset(
    {
        "m",
        "mm",
        "mme",
        "mmes",
        "mlle",
        "dr",
        "pr",
        "me",
        "st",
        "ste",
        "av",
        "bd",
        "etc",
        "cf",
        "ex",
        "env",
        "no",
        "vol",
        "p",
        "pp",
        "art",
        "fig",
        "tp",
        "ths",
        "ts",
        "pgs",
        "gs",
        "ông",
        "bà",
        "mr",
        "mrs",
        "ms",
        "jr",
        "sr",
        "vs",
        "inc",
        "ltd",
        "co",
        "corp",
        "gen",
        "col",
        "lt",
        "sgt",
        "capt",
        "gov",
        "sen",
        "rep",
        "prof",
        "approx",
        "janv",
        "févr",
        "avr",
        "juil",
        "sept",
        "oct",
        "nov",
        "déc",
    }
)
_BOUNDARY_RE = re.compile(r"(?P<end>[.!?…]+[»\"”’)\]]*)(?P<gap>\s+)(?=[«\"“(\[]?\s?[A-ZÀ-ỸĐ0-9])")
_WORD_BEFORE_RE = re.compile(r"(\w+)\W*$")


def split_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) character spans of the sentences of ``text``, stripped of white space."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY_RE.finditer(text):
        end = match.end("end")
        if match.group("end").startswith(".") and _is_abbreviation(text[start : match.start()]):
            continue
        spans.append((start, end))
        start = match.end("gap")
    spans.append((start, len(text)))
    out = []
    for start_, end_ in spans:
        chunk = text[start_:end_]
        s = start_ + (len(chunk) - len(chunk.lstrip()))
        e = end_ - (len(chunk) - len(chunk.rstrip()))
        if e > s:
            out.append((s, e))
    return out


def split(text: str) -> list[str]:
    """The sentences of ``text`` (see :func:`split_spans`)."""
    return [text[s:e] for s, e in split_spans(text)]


def _is_abbreviation(before: str) -> bool:
    match = _WORD_BEFORE_RE.search(before)
    if match is None:
        return False
    word = match.group(1)
    if len(word) == 1 and word.isalpha():
        return True  # an initial: "J. Smith", "M."
    return word.casefold() in _ABBREVIATIONS
