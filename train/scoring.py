"""Scoring page analysis and pairing against the corpus gold (used by the bench and training).

A gold segment is judged by the predicted segment that covers most of its characters: its kind
and language are right when that segment's are. Same-page pairs are compared as sets of
(Vietnamese item, French line): the Vietnamese item is its text folded (case, diacritics,
spacing, a trailing ``- Ảnh N.`` removed) and the French line a line number. Cross-page pairs are
compared as sets of (Vietnamese line, French line).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from aligner.page import Page
from aligner.pairs import AlignedPair
from aligner.text import fold
from train.corpus import GoldPage, GoldSegment

_CREDIT_TAIL_RE = re.compile(r"\s*[-–—.(|]?\s*(?:ảnh|photo|photos)\s*:\s*[^:]{0,60}$", re.I)
_PHOTO_TAIL_RE = re.compile(r"\s*[-–—]?\s*(?:ảnh|hình|photo)\s*\d{1,3}\s*\.?\s*$", re.I)


@dataclass(slots=True)
class Tally:
    """Counts of one measure: right out of total for accuracies, tp/fp/fn for pairs."""

    right: int = 0
    total: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 1.0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Tally) -> None:
        self.right += other.right
        self.total += other.total
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.errors.extend(other.errors)


def covering(gold: GoldSegment, page: Page) -> int | None:
    """Index of the predicted segment covering most of ``gold``'s characters (None if none)."""
    best, best_overlap = None, 0
    for seg in page.segments:
        overlap = min(seg.end, gold.end) - max(seg.start, gold.start)
        if overlap > best_overlap:
            best, best_overlap = seg.idx, overlap
    return best


def score_segments(gold_page: GoldPage, page: Page) -> tuple[Tally, Tally, Tally]:
    """(language, kind, split) tallies of one page. ``split`` counts gold segments whose span
    the analysis reproduces (same start and end, spaces aside)."""
    lang, kind, split = Tally(), Tally(), Tally()
    for g in gold_page.segments:
        idx = covering(g, page)
        seg = page.segments[idx] if idx is not None else None
        lang.total += 1
        kind.total += 1
        split.total += 1
        where = f"{gold_page.name}:{g.line}"
        if seg is not None and _lang_ok(seg.lang, g.lang):
            lang.right += 1
        else:
            lang.errors.append(
                f"{where} lang {seg.lang if seg else None} != {g.lang}: {g.text[:60]}"
            )
        if seg is not None and seg.kind == g.kind:
            kind.right += 1
        else:
            kind.errors.append(
                f"{where} kind {seg.kind if seg else None} != {g.kind}: {g.text[:60]}"
            )
        if seg is not None and (seg.start, seg.end) == (g.start, g.end):
            split.right += 1
        elif seg is not None:
            split.errors.append(f"{where} split {seg.text[:40]!r} vs gold {g.text[:40]!r}")
    return lang, kind, split


def _lang_ok(predicted: str, gold: str) -> bool:
    # A segment without letters (und) has no language to get wrong beyond that.
    return predicted == gold


def vi_key(text: str) -> str:
    """A Vietnamese item's identity: folded, photo number removed, words only."""
    text = _CREDIT_TAIL_RE.sub("", _PHOTO_TAIL_RE.sub("", text))
    folded = re.sub(r"(?<=\d)[\s.,](?=\d{3}\b)", "", fold(text))
    return " ".join(re.findall(r"[a-z0-9]+", folded.replace("-", " ")))


def gold_pairs(gold_page: GoldPage) -> set[tuple[str, int]]:
    out = set()
    for pair in gold_page.gold.get("pairs", []):
        for line in pair.get("fr_lines", []):
            out.add((vi_key(pair["vi"]), line))
    return out


def predicted_pairs(pairs: Iterable[AlignedPair]) -> set[tuple[str, int]]:
    return {(vi_key(p.vi.text), line) for p in pairs for line in p.fr.lines}


def score_pairs(
    gold: set[tuple[str, int]] | set[tuple[int, int]],
    predicted: set[tuple[str, int]] | set[tuple[int, int]],
    where: str,
) -> Tally:
    t = Tally(tp=len(gold & predicted), fp=len(predicted - gold), fn=len(gold - predicted))  # type: ignore[operator]
    t.errors += [f"{where} missed {g}" for g in sorted(gold - predicted, key=str)]  # type: ignore[operator]
    t.errors += [f"{where} wrong {p}" for p in sorted(predicted - gold, key=str)]  # type: ignore[operator]
    return t


def gold_cross_pairs(vi_page: GoldPage) -> set[tuple[int, int]]:
    return {
        (v, f)
        for pair in vi_page.gold.get("cross_pairs", [])
        for v in pair.get("vi_lines", [])
        for f in pair.get("fr_lines", [])
    }


def predicted_cross_pairs(pairs: Sequence[AlignedPair]) -> set[tuple[int, int]]:
    return {(v, f) for p in pairs for v in p.vi.lines for f in p.fr.lines}
