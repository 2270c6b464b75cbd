"""Anchors: what a sentence and its translation share whatever the language.

Numbers, names (capitalised words, folded for diacritics, also joined: ``Hà Nội`` and
``Hanoï`` both give ``hanoi``), lexicon concepts and a few punctuation marks. Each anchor is a
string such as ``n:2025``, ``w:guterres``, ``c:12`` or ``p:?``.
"""

from __future__ import annotations

import re

from aligner.lexicon import Lexicon
from aligner.text import fold

_NUMBER_RE = re.compile(r"\d+(?:[.,\u00a0\u202f ]\d{3})*(?:[.,]\d+)?")
_CAP_RE = re.compile(r"[^\W\d_][^\W_]*(?:[-'’][^\W\d_]+)*", re.UNICODE)
_PUNCT = {"?": "p:?", "!": "p:!", "%": "p:%", "(": "p:(", "«": "p:q", "“": "p:q", '"': "p:q"}

# Capitalised only because they open a sentence, or titles before a name: never names.
_STARTERS_RAW = """
    le la les un une des du de au aux il elle ils elles on en dans pour selon après avant ce
    cet cette ces depuis lors mais et ou si sur par avec sans son sa ses leur leurs nous vous
    je tout tous toute toutes quand comme alors ainsi cependant pourtant donc plus moins très
    bien aussi même chaque aucun certains plusieurs entre vers chez contre pendant the a an in
    on at of for with by from this that these those it he she they we his her their its as
    after before during while when if but and or các những một theo trong tại ông bà khi sau
    trước đây đó năm ngày tuy nhưng với người việc cuộc cũng đã là có không này nhiều hơn về từ
    để cho nếu vì do hiện tất chỉ mỗi ngoài bên tháng hôm vào ở m mm mme mr mrs ms dr pr
"""
_STARTERS = frozenset(fold(w) for w in _STARTERS_RAW.split())


def number_anchors(text: str) -> set[str]:
    out = set()
    for raw in _NUMBER_RE.findall(text):
        digits = re.sub(r"[.,\u00a0\u202f ](?=\d{3}\b)", "", raw).replace(",", ".")
        out.add("n:" + digits.lstrip("0") if digits.strip("0") else "n:0")
    return out


def name_anchors(text: str) -> set[str]:
    """Capitalised words (not sentence openers), folded; runs of them also joined."""
    out: set[str] = set()
    run: list[str] = []
    previous_end = 0
    for match in _CAP_RE.finditer(text):
        word = match.group(0)
        if text[previous_end : match.start()].strip():  # punctuation between: a new run
            if len(run) >= 2:
                out.add("w:" + "".join(run))
            run = []
        previous_end = match.end()
        is_name = word[0].isupper() and len(word) > 1 and fold(word) not in _STARTERS
        if is_name:
            folded = fold(word).replace("'", "").replace("’", "")
            parts = [p for p in folded.split("-") if p]
            if len(folded) >= 3:
                out.add("w:" + folded.replace("-", ""))
            run.extend(parts)
            continue
        if len(run) >= 2:
            out.add("w:" + "".join(run))
        run = []
    if len(run) >= 2:
        out.add("w:" + "".join(run))
    return out


def anchors(text: str, lang: str, lexicon: Lexicon | None) -> frozenset[str]:
    """All anchors of ``text`` (``lang``: fr, vi, vi-ascii or en)."""
    found = number_anchors(text) | name_anchors(text)
    found.update(tag for ch, tag in _PUNCT.items() if ch in text)
    if lexicon is not None and lang in ("fr", "vi", "vi-ascii"):
        found.update(f"c:{c}" for c in lexicon.concepts(text, lang))
    return frozenset(found)


def anchor_surfaces(text: str, lang: str, lexicon: Lexicon | None) -> dict[str, str]:
    """Each anchor of ``text`` with the words it comes from, folded and without spaces.

    Two anchors with the same surface (``w:vietnam`` and the concept of ``Việt Nam``) are one
    piece of evidence, not two.
    """
    out = {a: a[2:] for a in number_anchors(text) | name_anchors(text)}
    if lexicon is not None and lang in ("fr", "vi", "vi-ascii"):
        for match in lexicon.find(text, lang):
            out.setdefault(f"c:{match.concept}", fold(match.term).replace(" ", ""))
    return out
