"""Fit the residue ranker and the score calibrations: pairs on the corpus, beads on FLORES.

    .venv/bin/python -m train.calibration

Residue ranker (``aligner/data/pairs_ranker.json``): every Vietnamese item of the corpus'
French pages and the seeds (the seeds three times, as for the labeller) with every French
sentence of its page (:func:`aligner.pairs.residue_candidates`), labelled right when the gold
pairs that item with that sentence's line. Residue calibration
(``aligner/data/calibration_residue.json``): the pairs the ranker then chooses
(:func:`aligner.pairs.residue_features`), labelled the same way. Cross-page pairs
(``calibration_pairs.json``): the headline, lead, byline and related pairs between each
Vietnamese original and its French version. Beads: every bead of the perturbed *even* FLORES
dev articles (the tune split; the benchmark reports the odd ones), labelled right when the
gold has that exact bead. All are logistic regressions (:func:`aligner.calibration.fit`).
The script prints reliability tables: residue pairs leave-one-site-out (ranker and
calibration both fitted without the site), beads on the odd articles.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from aligner.beads import align, bead_features
from aligner.calibration import (
    BEADS_MODEL,
    PAIRS_MODEL,
    RANKER_MODEL,
    RESIDUE_MODEL,
    Logistic,
    fit,
    reliability,
)
from aligner.evaluation import PerturbedPair
from aligner.page import Page, analyze
from aligner.pairs import AlignedPair, page_pairs, pair_features, residue_candidates, residue_scored
from train.corpus import GoldPage, pages, seed_pages
from train.flores import documents
from train.scoring import gold_cross_pairs, gold_pairs, vi_key

DATA = Path(__file__).resolve().parent.parent / "aligner"
BEAD_SEEDS = (13, 14, 15)

SEED_WEIGHT = 3
"""Seed pages count three times in the ranker's rows, as in the labeller's."""

Rows = list[tuple[str, dict[str, float], int]]
Analysed = dict[str, Page]


def _page(gp: GoldPage, analysed: Analysed | None) -> Page:
    if analysed is not None and gp.path.name in analysed:
        return analysed[gp.path.name]
    return analyze(gp.text)


def _right(gp: GoldPage, pair: AlignedPair) -> int:
    gold = gold_pairs(gp)
    return int(any((vi_key(pair.vi.text), line) in gold for line in pair.fr.lines))


def candidate_rows(gold_pages: Sequence[GoldPage], analysed: Analysed | None = None) -> Rows:
    """(site, ranker features, right) for every Vietnamese item and French sentence of the
    French pages among ``gold_pages`` (seed pages ``SEED_WEIGHT`` times)."""
    rows: Rows = []
    for gp in gold_pages:
        if gp.lang != "fr":
            continue
        page = _page(gp, analysed)
        times = SEED_WEIGHT if gp.site == "seeds" else 1
        for item in residue_candidates(page):
            rows.extend(
                (gp.site, c.features, _right(gp, c.pair)) for c in item for _ in range(times)
            )
    return rows


def residue_rows(
    gold_pages: Sequence[GoldPage], ranker: Logistic, analysed: Analysed | None = None
) -> Rows:
    """(site, calibration features, right) for every pair ``ranker`` chooses on the French
    pages among ``gold_pages``."""
    return [
        (gp.site, feats, _right(gp, pair))
        for gp in gold_pages
        if gp.lang == "fr"
        for pair, feats in residue_scored(_page(gp, analysed), ranker=ranker)
    ]


RESIDUE_L2 = 0.1
"""The residue calibration has two features and a hundred rows: light regularisation."""


def fit_rows(rows: Rows, *, l2: float = 1.0) -> Logistic:
    return fit([r[1] for r in rows], [r[2] for r in rows], l2=l2)


def residue_models(
    gold_pages: Sequence[GoldPage], analysed: Analysed | None = None
) -> tuple[Logistic, Logistic, dict[str, tuple[Logistic, Logistic]]]:
    """(ranker, calibration, per-site models) fitted on ``gold_pages``.

    The calibration is fitted on out-of-fold pairs: those a ranker fitted without their site
    chooses on each site's pages (a ranker's own pages would make its probabilities look
    surer than they are). Per site: the ranker fitted without the site and a calibration
    fitted on the other sites' out-of-fold pairs, what leave-one-site-out scoring uses.
    """
    sites = sorted({p.site for p in gold_pages})
    rankers = {
        s: fit_rows(candidate_rows([p for p in gold_pages if p.site != s], analysed)) for s in sites
    }
    oof = [
        row
        for s in sites
        for row in residue_rows([p for p in gold_pages if p.site == s], rankers[s], analysed)
    ]
    per_site = {
        s: (rankers[s], fit_rows([r for r in oof if r[0] != s], l2=RESIDUE_L2)) for s in sites
    }
    ranker = fit_rows(candidate_rows(gold_pages, analysed))
    return ranker, fit_rows(oof, l2=RESIDUE_L2), per_site


def pair_rows(gold_pages: Sequence[GoldPage]) -> Rows:
    """(site, features, right) for every cross-page pair (not beads) between the Vietnamese
    originals among ``gold_pages`` and their French versions, uncalibrated."""
    rows: Rows = []
    by_name = {p.path.name: p for p in gold_pages}
    for gp in gold_pages:
        if gp.lang == "vi" and gp.gold.get("translation") in by_name:
            fr = by_name[gp.gold["translation"]]
            gold_cross = gold_cross_pairs(gp)
            for pair in page_pairs(analyze(gp.text), analyze(fr.text), calibrate=False):
                if pair.basis == "bead":
                    continue  # beads have their own calibration
                right = any((v, f) in gold_cross for v in pair.vi.lines for f in pair.fr.lines)
                rows.append((gp.site, pair_features(pair), int(right)))
    return rows


def bead_rows(docs: Sequence[PerturbedPair]) -> tuple[list[dict[str, float]], list[int]]:
    feats, labels = [], []
    for doc in docs:
        gold = set(doc.gold)
        for bead in align(doc.src, doc.tgt, src_lang="fr", tgt_lang="vi", calibrate=False):
            feats.append(bead_features(bead))
            labels.append(int((bead.src_idx, bead.tgt_idx) in gold))
    return feats, labels


def print_reliability(title: str, predicted: Sequence[float], labels: Sequence[int]) -> None:
    print(f"\n{title}: predicted probability bin -> share right (count)")
    for low, high, share, n in reliability(predicted, labels, bins=10):
        if n:
            print(f"  [{low:.1f}, {high:.1f})  {share:.2f}  ({n})")
    right = [p for p, y in zip(predicted, labels, strict=True) if y]
    wrong = [p for p, y in zip(predicted, labels, strict=True) if not y]
    brier = sum((p - y) ** 2 for p, y in zip(predicted, labels, strict=True)) / len(labels)
    print(
        f"  mean probability: right {sum(right) / max(len(right), 1):.3f}, "
        f"wrong {sum(wrong) / max(len(wrong), 1):.3f}; Brier {brier:.4f}"
    )


def residue_leave_one_site_out(
    gold_pages: Sequence[GoldPage],
    per_site: dict[str, tuple[Logistic, Logistic]],
    analysed: Analysed | None = None,
) -> tuple[list[float], list[int]]:
    """Calibrated scores of the pairs chosen on each site's pages by the site's models
    (:func:`residue_models`), and whether each is right; the seeds are no site of the genre."""
    predicted, labels = [], []
    for site, (ranker, calibration) in per_site.items():
        if site == "seeds":
            continue
        for _, feats, right in residue_rows(
            [p for p in gold_pages if p.site == site], ranker, analysed
        ):
            predicted.append(calibration.probability(feats))
            labels.append(right)
    return predicted, labels


def auc(predicted: Sequence[float], labels: Sequence[int]) -> float:
    """Area under the ROC curve: the chance a right pair scores above a wrong one."""
    right = [p for p, y in zip(predicted, labels, strict=True) if y]
    wrong = [p for p, y in zip(predicted, labels, strict=True) if not y]
    if not right or not wrong:
        return float("nan")
    wins = sum((r > w) + 0.5 * (r == w) for r in right for w in wrong)
    return wins / (len(right) * len(wrong))


def main() -> int:
    corpus = [p for p in pages() if not p.problems] + list(seed_pages())
    analysed = {p.path.name: analyze(p.text) for p in corpus}
    ranker, calibration, per_site = residue_models(corpus, analysed)
    predicted, labels = residue_leave_one_site_out(corpus, per_site, analysed)
    print(f"residue pairs, leave one site out: {len(labels)} chosen, {sum(labels)} right")
    print_reliability("residue pairs, leave one site out", predicted, labels)
    print(f"  AUC {auc(predicted, labels):.3f}")
    (DATA / RANKER_MODEL).write_text(ranker.to_json() + "\n", encoding="utf-8")
    (DATA / RESIDUE_MODEL).write_text(calibration.to_json() + "\n", encoding="utf-8")
    rows = pair_rows(corpus)
    print(f"\ncross-page pairs: {len(rows)} found, {sum(r[2] for r in rows)} right")
    pairs_model = fit_rows(rows)
    (DATA / PAIRS_MODEL).write_text(pairs_model.to_json() + "\n", encoding="utf-8")

    tune = [d for seed in BEAD_SEEDS for d in documents("tune", seed=seed)]
    feats, bead_labels = bead_rows(tune)
    beads_model = fit(feats, bead_labels)
    (DATA / BEADS_MODEL).write_text(beads_model.to_json() + "\n", encoding="utf-8")
    test_feats, test_labels = bead_rows(documents("test"))
    print(f"\nbeads: {len(feats)} on the tune split, {sum(bead_labels)} right")
    print_reliability(
        "beads, FLORES test split (odd articles)",
        [beads_model.probability(f) for f in test_feats],
        test_labels,
    )
    print(f"\nwrote {RANKER_MODEL}, {RESIDUE_MODEL}, {PAIRS_MODEL} and {BEADS_MODEL}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
