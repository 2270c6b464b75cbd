"""Evaluation of sentence alignment: synthetic perturbed documents and Vecalign's metrics.

``perturb`` turns 1-1 parallel sentences into a harder document pair with known gold beads:
neighbouring sentences merged on either side, sentences dropped on either side, short page-noise
lines inserted. ``score`` computes strict and lax precision/recall/F1 as Vecalign's
``score.py`` defines them (strict: exact bead match over beads with both sides non-empty; lax: a
bead that overlaps some gold bead on both sides).
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

BeadIdx = tuple[tuple[int, ...], tuple[int, ...]]

NOISE = {
    "fr": [
        "Photo : AFP",
        "Lire aussi :",
        "Partager",
        "Publicité",
        "Commentaires (3)",
        "Voir plus",
        "Photo d'illustration",
        "Mis à jour le 12/03/2024 à 08h15",
    ],
    "vi": [
        "Ảnh: TTXVN",
        "Quảng cáo",
        "Chia sẻ",
        "Xem thêm:",
        "Bình luận (0)",
        "Tin liên quan",
        "Ảnh minh họa",
        "Cập nhật 12/03/2024 08:15",
    ],
    "en": ["Photo: AFP", "Read more:", "Share", "Advertisement", "Comments (3)"],
}


@dataclass(frozen=True, slots=True)
class PerturbedPair:
    src: list[str]
    tgt: list[str]
    gold: list[BeadIdx]


@dataclass(frozen=True, slots=True)
class Rates:
    """Per-sentence probabilities of each perturbation."""

    merge: float = 0.08
    merge3: float = 0.02
    drop: float = 0.04
    noise: float = 0.05


def perturb(
    src: Sequence[str],
    tgt: Sequence[str],
    *,
    src_lang: str,
    tgt_lang: str,
    seed: int,
    rates: Rates | None = None,
) -> PerturbedPair:
    """A perturbed copy of 1-1 parallel ``src``/``tgt`` with its gold beads."""
    if len(src) != len(tgt):
        raise ValueError("perturb needs 1-1 parallel sentence lists of equal length")
    r = rates or Rates()
    rng = random.Random(seed)
    out_src: list[str] = []
    out_tgt: list[str] = []
    gold: list[BeadIdx] = []

    def emit(s_texts: list[str], t_texts: list[str]) -> None:
        s_idx = tuple(range(len(out_src), len(out_src) + len(s_texts)))
        t_idx = tuple(range(len(out_tgt), len(out_tgt) + len(t_texts)))
        out_src.extend(s_texts)
        out_tgt.extend(t_texts)
        gold.append((s_idx, t_idx))

    k = 0
    while k < len(src):
        if rng.random() < r.noise:
            emit([rng.choice(NOISE.get(src_lang, NOISE["en"]))], [])
        if rng.random() < r.noise:
            emit([], [rng.choice(NOISE.get(tgt_lang, NOISE["en"]))])
        roll = rng.random()
        side = rng.random() < 0.5
        if roll < r.merge3 and k + 2 < len(src):
            group = 3
        elif roll < r.merge3 + r.merge and k + 1 < len(src):
            group = 2
        else:
            group = 1
        if group > 1:
            s_part, t_part = list(src[k : k + group]), list(tgt[k : k + group])
            if side:
                emit([" ".join(s_part)], t_part)
            else:
                emit(s_part, [" ".join(t_part)])
            k += group
            continue
        roll = rng.random()
        if roll < r.drop:
            emit([], [tgt[k]])
        elif roll < 2 * r.drop:
            emit([src[k]], [])
        else:
            emit([src[k]], [tgt[k]])
        k += 1
    return PerturbedPair(out_src, out_tgt, gold)


@dataclass(frozen=True, slots=True)
class Scores:
    strict_p: float
    strict_r: float
    strict_f1: float
    lax_p: float
    lax_r: float
    lax_f1: float


def _both_sides(beads: Iterable[BeadIdx]) -> set[BeadIdx]:
    return {(tuple(s), tuple(t)) for s, t in beads if s and t}


def _counts(gold: set[BeadIdx], test: set[BeadIdx]) -> tuple[int, int, int]:
    strict = len(gold & test)
    gold_of_src: dict[int, list[BeadIdx]] = {}
    for bead in gold:
        for i in bead[0]:
            gold_of_src.setdefault(i, []).append(bead)
    lax = 0
    for ts, tt in test:
        candidates = (g for i in ts for g in gold_of_src.get(i, ()))
        if any(set(tt) & set(gt) for _gs, gt in candidates):
            lax += 1
    return strict, lax, len(test)


def score(gold_docs: Sequence[Iterable[BeadIdx]], test_docs: Sequence[Iterable[BeadIdx]]) -> Scores:
    """Micro-averaged strict and lax precision, recall and F1 over documents."""
    p_strict = p_lax = p_total = r_strict = r_lax = r_total = 0
    for gold_beads, test_beads in zip(gold_docs, test_docs, strict=True):
        gold, test = _both_sides(gold_beads), _both_sides(test_beads)
        s, lx, total = _counts(gold, test)
        p_strict, p_lax, p_total = p_strict + s, p_lax + lx, p_total + total
        s, lx, total = _counts(test, gold)
        r_strict, r_lax, r_total = r_strict + s, r_lax + lx, r_total + total

    def f1(p: float, r: float) -> float:
        return 2 * p * r / (p + r) if p + r else 0.0

    sp, sr = p_strict / max(p_total, 1), r_strict / max(r_total, 1)
    lp, lr = p_lax / max(p_total, 1), r_lax / max(r_total, 1)
    return Scores(sp, sr, f1(sp, sr), lp, lr, f1(lp, lr))
