"""Glued lines: where a scraper put two page elements on one line with nothing between them.

Typical junctions of the genre: image alt text glued to the French caption
(``... công lý số- Ảnh 1.Le Premier ministre ...``), an outlet name glued to a date
(``Báo Chính PhủBáo Chính Phủ25/10/2025``), a date stamp glued to the headline
(``14/10/2025 09:15Le Vietnam et ...``), a sentence glued to a credit (``... signé.Photo : VNA``).
:func:`pieces` cuts a line at such junctions only; a piece without letters (a date, a number)
stays with its neighbour, and the page analysis merges neighbouring pieces again when they end
up with the same kind and language.
"""

from __future__ import annotations

import re

from aligner.labels import match_label
from aligner.langid import identify
from aligner.text import words

_JOIN_LEFT = '.!?…)»”"'
# A date, time or GMT offset immediately followed by a capital: "09:15Le", "GMT+7Le".
_STAMP_RE = re.compile(
    r"(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{4}|\d{1,2}[:h]\d{2}|GMT\s*\+\s*\d{1,2}\)?|(?<!\d)\d{4})"
)
# A capitalised weekday or month opening a date stamp: "VietnamMardi, 28/10/2025".
_STAMP_WORD_RE = re.compile(
    r"(?:Lundi|Mardi|Mercredi|Jeudi|Vendredi|Samedi|Dimanche|Thứ\s+(?:Hai|Ba|Tư|Năm|Sáu|Bảy)|"
    r"Chủ\s+nhật|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Publié|Mis à jour|"
    r"Cập nhật|Ngày)\b[\s,]*\d",
    re.I,
)
_CREDIT_WORD_RE = re.compile(r"(?:Photo|Photos|Ảnh|Crédit|Credit|Vidéo|Video)\s*:", re.I)
_DATE_RE = re.compile(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}")
# A numbered photo of alt text followed by more text: "- Ảnh 1.Le Premier", "Ảnh 2 Le".
_AFTER_PHOTO_NO_RE = re.compile(r"(?:Ảnh|Hình)\s*\d{1,3}\s*\.?(?=\s*\S)", re.I)

_MIN_WORDS_EACH_SIDE = 2


def pieces(line: str) -> list[tuple[int, int]]:
    """``(start, end)`` of the pieces of ``line`` (offsets into ``line``, surrounding spaces
    excluded), in order; one piece covering the stripped line when nothing is glued."""
    stripped_start = len(line) - len(line.lstrip())
    stripped_end = len(line.rstrip())
    if stripped_end <= stripped_start:
        return []
    cuts = sorted(set(_cuts(line)))
    spans: list[tuple[int, int]] = []
    prev = stripped_start
    for cut in [*cuts, stripped_end]:
        if not stripped_start < cut <= stripped_end:
            continue
        s, e = _strip(line, prev, cut)
        if e > s:
            spans.append((s, e))
        prev = cut
    return _attach_letterless(line, spans)


def _cuts(line: str) -> list[int]:
    out = []
    for i in range(1, len(line) - 1):
        before, here, after = line[i - 1], line[i], line[i + 1]
        if before.isspace():
            continue
        if here.isupper() and after.islower():
            left, right = line[:i], line[i:]
            if match_label(left) is not None and _enough_words(right):
                out.append(i)  # "leftcenterrightdelLe général ...": a widget's text glued on
                continue
            if not _enough_words(left):
                continue
            if (before.isalnum() or before in _JOIN_LEFT) and (
                _STAMP_WORD_RE.match(right) or _CREDIT_WORD_RE.match(right)
            ):
                out.append(i)  # "VietnamMardi, 28/10/2025", "TTXVNPhoto : VNA"
            elif _enough_words(right) and (
                before in _JOIN_LEFT or (before.islower() and _script_changes(left, right))
            ):
                out.append(i)  # "số.Le", "công lý sốLe"; not "VinFast", "TP.HCM"
        elif before in _JOIN_LEFT + ")" and here.isupper() and match_label(line[:i]):
            if _enough_words(line[i:]):
                out.append(i)  # "Comment (0)Vietnam.vn - ...": an interface label glued on
        elif here == "|" and _enough_words(line[:i], 1):
            if _enough_words(line[i:], 1):
                out.append(i)  # "Ảnh: TTXVN|Des soldats" (a separator the scraper glued)
        elif here.isdigit() and before.isalpha() and _DATE_RE.match(line, i):
            out.append(i)  # "Phủ25/10/2025"
    for m in _STAMP_RE.finditer(line):
        if m.end() < len(line) and line[m.end()].isupper() and _enough_words(line[m.end() :]):
            out.append(m.end())  # "09:15Le Vietnam"
    for m in _AFTER_PHOTO_NO_RE.finditer(line):
        if _enough_words(line[m.end() :]) and _enough_words(line[: m.start()], 1):
            out.append(m.end())  # "- Ảnh 1.Le Premier ministre"
    return out


def _script_changes(left: str, right: str) -> bool:
    """Vietnamese on one side of a glued junction, French or English on the other.

    Inside a capitalised token (``VietnamPlus``, ``Hà NộiLe``) the right side must also have
    three lower-case words: brand names glue capitals too.
    """
    head = " ".join(right.split()[:8])
    tail = " ".join(left.split()[-8:])
    langs = {identify(tail).lang, identify(head).lang}
    if langs not in ({"vi", "fr"}, {"vi", "en"}):
        return False
    fragment = re.findall(r"[^\W\d_]+$", left)
    if fragment and fragment[0][:1].isupper():
        return sum(1 for w in words(head) if w[:1].islower()) >= 3
    return True


def _enough_words(text: str, minimum: int = _MIN_WORDS_EACH_SIDE) -> bool:
    return len(words(text)) >= minimum


def _strip(line: str, start: int, end: int) -> tuple[int, int]:
    while start < end and line[start].isspace():
        start += 1
    while end > start and line[end - 1].isspace():
        end -= 1
    return start, end


def _attach_letterless(line: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Merge pieces with no letters into the previous piece (or the next one, at the start)."""
    out: list[tuple[int, int]] = []
    for s, e in spans:
        if (out and not words(line[s:e])) or (out and not words(line[out[-1][0] : out[-1][1]])):
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out
