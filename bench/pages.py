"""Page analysis and pairing on the genre corpus: one table for the README.

    .venv/bin/python bench/pages.py [--errors N]

Rows: the seeds (shipped model), the corpus with the shipped model (trained on it: an upper
bound), and leave-one-site-out (a model trained without the site, then run on it: how Triglot
does on an outlet it has never seen). Columns: language and kind accuracy per gold segment,
split accuracy (gold segment boundaries reproduced), same-page Vietnamese-French pairs and
cross-page pairs (Vietnamese original with its French version) as precision / recall / F1.
Pairing runs on the pages as analysed in that row; in the leave-one-site-out rows the residue
ranker and its calibration are fitted without the site too (``train/calibration.py``). Under
the table: how well the held-out pairs' calibrated scores tell right from wrong (reliability
per probability bin, AUC, mean score of right and wrong pairs). See ``train/scoring.py`` for
the rules.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aligner.calibration import Logistic, reliability
from aligner.labeller import Labeller, default_labeller
from aligner.page import Page, analyze
from aligner.pairs import page_pairs, residue_pairs
from train.calibration import auc, residue_models
from train.corpus import GoldPage, pages, seed_pages
from train.labeller import SEED_WEIGHT, train
from train.scoring import (
    Tally,
    gold_cross_pairs,
    gold_pairs,
    predicted_cross_pairs,
    predicted_pairs,
    score_pairs,
    score_segments,
)

Row = dict[str, Tally]
MEASURES = ("lang", "kind", "split", "pairs", "cross")


Scores = list[tuple[float, int]]


def run(
    gold_pages: Sequence[GoldPage],
    labeller: Labeller,
    all_pages: Sequence[GoldPage],
    models: tuple[Logistic, Logistic] | None = None,
    scores: Scores | None = None,
) -> Row:
    """Scores of ``gold_pages`` analysed with ``labeller``; cross pairs for each Vietnamese
    original among them whose French version is in ``all_pages``. ``models``: the residue
    ranker and calibration (default: shipped); each residue pair's (score, right) goes to
    ``scores``."""
    row = {m: Tally() for m in MEASURES}
    analysed: dict[str, Page] = {}
    for gp in gold_pages:
        page = analyze(gp.text, labeller=labeller)
        analysed[gp.path.name] = page
        for m, part in zip(("lang", "kind", "split"), score_segments(gp, page), strict=True):
            row[m].add(part)
        if gp.lang == "fr":
            ranker, calibration = models if models is not None else (None, None)
            found = residue_pairs(page, ranker=ranker, calibration=calibration)
            gold = gold_pairs(gp)
            row["pairs"].add(score_pairs(gold, predicted_pairs(found), gp.name))
            if scores is not None:
                for p in found:
                    right = any((k, line) in gold for k, line in predicted_pairs([p]))
                    scores.append((p.score, int(right)))
    by_name = {p.path.name: p for p in all_pages}
    for gp in gold_pages:
        if gp.lang != "vi" or gp.gold.get("translation") not in by_name:
            continue
        fr_gold = by_name[gp.gold["translation"]]
        fr_page = analysed.get(fr_gold.path.name) or analyze(fr_gold.text, labeller=labeller)
        predicted = predicted_cross_pairs(page_pairs(analysed[gp.path.name], fr_page))
        row["cross"].add(score_pairs(gold_cross_pairs(gp), predicted, gp.name))  # type: ignore[arg-type]
    return row


def fmt(name: str, row: Row, n_pages: int) -> str:
    cells = [f"{row[m].accuracy:.3f}" for m in ("lang", "kind", "split")]
    for m in ("pairs", "cross"):
        t = row[m]
        cells.append(f"{t.precision:.2f}/{t.recall:.2f}/{t.f1:.2f}" if t.tp + t.fn else "-")
    return f"| {name} | {n_pages} | " + " | ".join(cells) + " |"


def print_scores(scores: Scores) -> None:
    """Reliability of the leave-one-site-out same-page pairs' calibrated scores."""
    predicted, labels = [p for p, _ in scores], [y for _, y in scores]
    right = [p for p, y in scores if y]
    wrong = [p for p, y in scores if not y]
    print("\nsame-page pair scores, leave one site out (score bin: share right, pairs)")
    print("| bin | " + " | ".join(f"{b / 10:.1f}-{(b + 1) / 10:.1f}" for b in range(10)) + " |")
    print("|---" * 11 + "|")
    cells = [
        f"{share:.2f} ({n})" if n else "-"
        for _, _, share, n in reliability(predicted, labels, bins=10)
    ]
    print("| right | " + " | ".join(cells) + " |")
    print(
        f"AUC {auc(predicted, labels):.3f}; mean score right {sum(right) / max(len(right), 1):.3f}"
        f" ({len(right)}), wrong {sum(wrong) / max(len(wrong), 1):.3f} ({len(wrong)})"
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="page analysis and pairing on the corpus")
    parser.add_argument("--errors", type=int, default=0, help="print up to N errors per measure")
    parser.add_argument("--no-looo", action="store_true", help="skip leave-one-site-out")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    corpus = [p for p in pages() if not p.problems]
    seeds = list(seed_pages())
    sites = sorted({p.site for p in corpus})
    print(
        f"corpus: {len(corpus)} pages ({sum(p.lang == 'fr' for p in corpus)} fr, "
        f"{sum(p.lang == 'vi' for p in corpus)} vi) from {len(sites)} sites; "
        f"{sum(len(p.segments) for p in corpus)} gold segments"
    )
    print()
    print("| rows | pages | lang | kind | split | same-page pairs P/R/F1 | cross-page P/R/F1 |")
    print("|---|---|---|---|---|---|---|")
    shipped = default_labeller()
    rows = {"seeds (shipped model)": (run(seeds, shipped, seeds), len(seeds))}
    rows["corpus (shipped model, trained on it)"] = (run(corpus, shipped, corpus), len(corpus))
    scores: Scores = []
    if not args.no_looo:
        analysed = {p.path.name: analyze(p.text, labeller=shipped) for p in corpus + seeds}
        _, _, site_models = residue_models(corpus + seeds, analysed)
        looo = {m: Tally() for m in MEASURES}
        per_site = {}
        for site in sites:
            held = [p for p in corpus if p.site == site]
            model = Labeller(train([p for p in corpus if p.site != site] + seeds * SEED_WEIGHT))
            row = run(held, model, corpus, site_models[site], scores)
            per_site[site] = (row, len(held))
            for m in MEASURES:
                looo[m].add(row[m])
        rows["corpus, leave one site out"] = (looo, len(corpus))
        rows.update({f"  held out: {s}": v for s, v in per_site.items()})
    for name, (row, n) in rows.items():
        print(fmt(name, row, n))
    if scores:
        print_scores(scores)
    if args.errors:
        for name, (row, _) in rows.items():
            if name.startswith("  "):
                continue
            for m in MEASURES:
                if row[m].errors:
                    print(f"\n## {name}: {m} errors")
                    for err in row[m].errors[: args.errors]:
                        print("  " + err)
    print(f"\n{time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
