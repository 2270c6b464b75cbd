"""Fit the score calibrations: residue and cross-page pairs on the corpus, beads on FLORES.

    .venv/bin/python -m train.calibration

Pairs: every residue pair Triglot finds on the corpus' French pages and the seeds (and the
headline and lead pairs between each Vietnamese original and its French version), labelled
right when the gold pairs that Vietnamese item with that French line. Beads: every bead of
the perturbed *even* FLORES dev articles (the tune split; the benchmark reports the odd ones),
labelled right when the gold has that exact bead. Both are logistic regressions
(:func:`aligner.calibration.fit`) written to ``aligner/data/calibration_*.json``. The script
prints reliability tables: pairs leave-one-site-out, beads on the odd articles.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from aligner.beads import align, bead_features
from aligner.calibration import BEADS_MODEL, PAIRS_MODEL, fit, reliability
from aligner.evaluation import PerturbedPair
from aligner.page import analyze
from aligner.pairs import page_pairs, pair_features, residue_pairs
from train.corpus import GoldPage, pages, seed_pages
from train.flores import documents
from train.scoring import gold_cross_pairs, gold_pairs, vi_key

DATA = Path(__file__).resolve().parent.parent / "aligner"
BEAD_SEEDS = (13, 14, 15)

Rows = list[tuple[str, dict[str, float], int]]


def pair_rows(gold_pages: Sequence[GoldPage]) -> Rows:
    """(site, features, right) for every pair found on ``gold_pages``, uncalibrated."""
    rows: Rows = []
    by_name = {p.path.name: p for p in gold_pages}
    for gp in gold_pages:
        if gp.lang == "fr":
            gold = gold_pairs(gp)
            for pair in residue_pairs(analyze(gp.text), calibrate=False):
                right = any((vi_key(pair.vi.text), line) in gold for line in pair.fr.lines)
                rows.append((gp.site, pair_features(pair), int(right)))
        elif gp.gold.get("translation") in by_name:
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


def pairs_leave_one_site_out(rows: Rows) -> tuple[list[float], list[int]]:
    predicted, labels = [], []
    for site in sorted({r[0] for r in rows}):
        train = [r for r in rows if r[0] != site]
        model = fit([r[1] for r in train], [r[2] for r in train])
        for _, feats, right in (r for r in rows if r[0] == site):
            predicted.append(model.probability(feats))
            labels.append(right)
    return predicted, labels


def main() -> int:
    corpus = [p for p in pages() if not p.problems] + list(seed_pages())
    rows = pair_rows(corpus)
    predicted, labels = pairs_leave_one_site_out(rows)
    print(f"pairs: {len(rows)} found, {sum(labels)} right")
    print_reliability("pairs, leave one site out", predicted, labels)
    pairs_model = fit([r[1] for r in rows], [r[2] for r in rows])
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
    print(f"\nwrote {DATA / PAIRS_MODEL} and {DATA / BEADS_MODEL}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
