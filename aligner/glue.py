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
from bisect import bisect_left, bisect_right

from aligner.labels import match_label
from aligner.langid import identify, shown_lang
from aligner.text import word_pattern, words

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
_DIGIT_RE = re.compile(r"\d")
# A numbered photo of alt text followed by more text: "- Ảnh 1.Le Premier", "Ảnh 2 Le".
_AFTER_PHOTO_NO_RE = re.compile(r"(?:Ảnh|Hình)\s*\d{1,3}\s*\.?(?=\s*\S)", re.I)

# Where a junction can be: a capital, a "|" or a digit right after a non-space character.
_UPPER = "".join(chr(c) for c in range(0x41, 0x2000) if chr(c).isupper())
# The candidate's class comes first, so that the regex engine scans for it in C; the look-behinds
# after it see the character before it and the candidate itself.
_CANDIDATE_RE = re.compile(
    rf"[{re.escape(_UPPER)}|\d](?:(?<=\S[{re.escape(_UPPER)}|])|(?<=[^\W\d_]\d))"
)
_CANDIDATE_PLAIN = rf"(?<=\S)[{re.escape(_UPPER)}|]|(?<=[^\W\d_])\d"
"""What :data:`_CANDIDATE_RE` stands for (tests/test_page_speed_batch.py holds them together;
not compiled here: a class of a thousand capitals takes milliseconds to compile)."""
_MIN_WORDS_EACH_SIDE = 2
_MAX_LABEL_CHARS = 60
_WINDOW = 300
_MAX_LANGUAGE_CHECKS = 64


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
    """Offsets where ``line`` was glued. Linear in the line's length (a page may hold a
    one-megabyte line): word counts come from one scan, windows around a junction are bounded."""
    has_digit = _DIGIT_RE.search(line) is not None  # what stamps and photo numbers need
    if not _CANDIDATE_RE.search(line, 1, max(1, len(line) - 1)) and not (
        has_digit and _AFTER_PHOTO_NO_RE.search(line)
    ):
        return []  # most lines: no capital, bar or digit glued to anything
    bounds: list[list[int]] = []  # word starts and ends, found when a check first needs them

    def word_bounds() -> list[list[int]]:
        if not bounds:
            found = list(word_pattern(line).finditer(line))
            bounds.extend((list(map(re.Match.start, found)), list(map(re.Match.end, found))))
        return bounds

    def words_before(i: int, n: int = _MIN_WORDS_EACH_SIDE) -> bool:
        return bisect_left(word_bounds()[0], i) >= n  # words that begin before i

    def words_after(i: int, n: int = _MIN_WORDS_EACH_SIDE) -> bool:
        ends = word_bounds()[1]
        return len(ends) - bisect_right(ends, i) >= n  # words that end after i

    out = []
    checks = 0  # language checks are the costly part: a line is not glued 64 times over
    for m in _CANDIDATE_RE.finditer(line, 1, len(line) - 1):
        i = m.start()
        before, here, after = line[i - 1], line[i], line[i + 1]
        if here.isupper() and after.islower():
            if i <= _MAX_LABEL_CHARS and match_label(line[:i]) is not None and words_after(i):
                out.append(i)  # "leftcenterrightdelLe général ...": a widget's text glued on
                continue
            if not words_before(i):
                continue
            if (before.isalnum() or before in _JOIN_LEFT) and (
                _STAMP_WORD_RE.match(line, i) or _CREDIT_WORD_RE.match(line, i)
            ):
                out.append(i)  # "VietnamMardi, 28/10/2025", "TTXVNPhoto : VNA"
            elif words_after(i) and before in _JOIN_LEFT:
                out.append(i)  # "số.Le", "signé.Photo"; not "TP.HCM"
            elif before.islower() and checks < _MAX_LANGUAGE_CHECKS and words_after(i):
                checks += 1
                if _script_changes(line, i):
                    out.append(i)  # "công lý sốLe"; not "VinFast"
        elif (
            before in _JOIN_LEFT + ")"
            and here.isupper()
            and i <= _MAX_LABEL_CHARS
            and match_label(line[:i])
        ):
            if words_after(i):
                out.append(i)  # "Comment (0)Vietnam.vn - ...": an interface label glued on
        elif here == "|" and words_before(i, 1) and words_after(i, 1):
            out.append(i)  # "Ảnh: TTXVN|Des soldats" (a separator the scraper glued)
        elif here.isdigit() and before.isalpha() and _DATE_RE.match(line, i):
            out.append(i)  # "Phủ25/10/2025"
    if not has_digit:
        return out
    for m in _STAMP_RE.finditer(line):
        if m.end() < len(line) and line[m.end()].isupper() and words_after(m.end()):
            out.append(m.end())  # "09:15Le Vietnam"
    for m in _AFTER_PHOTO_NO_RE.finditer(line):
        if words_after(m.end()) and words_before(m.start(), 1):
            out.append(m.end())  # "- Ảnh 1.Le Premier ministre"
    return out


def _script_changes(line: str, i: int) -> bool:
    """Vietnamese on one side of the junction at ``i``, French or English on the other.

    Inside a capitalised token (``VietnamPlus``, ``Hà NộiLe``) the right side must also have
    three lower-case words: brand names glue capitals too.
    """
    left = line[max(0, i - _WINDOW) : i]
    head = " ".join(line[i : i + _WINDOW].split()[:8])
    tail = " ".join(left.split()[-8:])
    # {identify(tail), identify(head)} must be {vi, fr} or {vi, en}. Only the text's own
    # evidence ever answers vi: when it finds Vietnamese on neither side or on both, the
    # statistical identifier is not asked.
    shown = [shown_lang(tail), shown_lang(head)]
    is_vi = [g is not None and g.lang == "vi" for g in shown]
    if is_vi[0] == is_vi[1]:
        return False
    other = 1 if is_vi[0] else 0
    other_lang = (shown[other] or identify((tail, head)[other])).lang
    if other_lang not in ("fr", "en"):
        return False
    fragment = re.findall(r"[^\W\d_]+$", left)
    if fragment and fragment[0][:1].isupper():
        return sum(1 for w in words(head) if w[:1].islower()) >= 3
    return True


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
