"""Train the kind labeller (a linear-chain CRF) on the genre corpus and the seeds.

    .venv/bin/python -m train.labeller            # train on everything, write the model
    .venv/bin/python -m train.labeller --looo     # also leave-one-site-out scores

Each page is drafted by :func:`aligner.page.draft_page` (lines, glued pieces, genre rules) and
described by :func:`aligner.page.line_features`; a piece's gold kind is the kind of the gold
segment covering most of its characters. CRFsuite's L-BFGS with elastic-net regularisation
(``c1``, ``c2``) fits the model, written to ``aligner/data/kinds.crfsuite``. The parameters are
chosen by leave-one-site-out kind accuracy over a small grid (c1 0.05-2, c2 0.01-0.5).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pycrfsuite

from aligner.labeller import Labeller
from aligner.page import Draft, analyze, draft_page, line_features
from train.corpus import GoldPage, pages, seed_pages
from train.scoring import Tally, score_segments

MODEL = Path(__file__).resolve().parent.parent / "aligner" / "data" / "kinds.crfsuite"
SEED_WEIGHT = 3
"""The seeds count three times: Triglot's reference pages must stay right."""
PARAMS = {
    "c1": 1.0,
    "c2": 0.01,
    "max_iterations": 300,
    "feature.possible_transitions": True,
    "feature.minfreq": 1,
}


def gold_kinds(draft: Draft, gold_page: GoldPage) -> list[str]:
    """The gold kind of each drafted piece: that of the gold segment it overlaps most."""
    out = []
    for ln in draft.lines:
        best, best_overlap = "boilerplate", 0
        for g in gold_page.segments:
            overlap = min(ln.end, g.end) - max(ln.start, g.start)
            if overlap > best_overlap:
                best, best_overlap = g.kind, overlap
        out.append(best)
    return out


def train(train_pages: Sequence[GoldPage]) -> bytes:
    """A model trained on ``train_pages``, as CRFsuite model bytes."""
    trainer = pycrfsuite.Trainer(verbose=False)
    for gp in train_pages:
        draft = draft_page(gp.text)
        trainer.append([dict(f) for f in line_features(draft)], gold_kinds(draft, gp))
    trainer.set_params(PARAMS)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.crfsuite"
        trainer.train(str(path))
        return path.read_bytes()


def evaluate(model: bytes, test_pages: Sequence[GoldPage]) -> tuple[Tally, Tally, Tally]:
    """(language, kind, split) tallies of ``test_pages`` analysed with ``model``."""
    labeller = Labeller(model)
    totals = (Tally(), Tally(), Tally())
    for gp in test_pages:
        page = analyze(gp.text, labeller=labeller)
        for total, part in zip(totals, score_segments(gp, page), strict=True):
            total.add(part)
    return totals


def leave_one_site_out(
    corpus: Sequence[GoldPage], seeds: Sequence[GoldPage]
) -> dict[str, tuple[Tally, Tally, Tally]]:
    """Per site: scores of a model trained on every other site and the seeds."""
    out = {}
    for site in sorted({p.site for p in corpus}):
        held = [p for p in corpus if p.site == site]
        rest = [p for p in corpus if p.site != site] + list(seeds) * SEED_WEIGHT
        out[site] = evaluate(train(rest), held)
    return out


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--looo", action="store_true", help="leave-one-site-out scores too")
    args = parser.parse_args(argv)
    corpus = [p for p in pages() if not p.problems]
    seeds = list(seed_pages())
    if args.looo:
        total = (Tally(), Tally(), Tally())
        for site, (lang, kind, split) in leave_one_site_out(corpus, seeds).items():
            print(
                f"{site:14} lang {lang.accuracy:.3f} kind {kind.accuracy:.3f} "
                f"split {split.accuracy:.3f} ({kind.total} segments)"
            )
            for t, part in zip(total, (lang, kind, split), strict=True):
                t.add(part)
        lang, kind, split = total
        print(
            f"{'ALL (LOOO)':14} lang {lang.accuracy:.3f} kind {kind.accuracy:.3f} "
            f"split {split.accuracy:.3f}"
        )
    model = train(corpus + seeds * SEED_WEIGHT)
    MODEL.write_bytes(model)
    lang, kind, split = evaluate(model, seeds)
    print(
        f"wrote {MODEL} ({len(model)} bytes) from {len(corpus)} corpus pages and {len(seeds)} seeds"
    )
    print(f"seeds: lang {lang.accuracy:.3f} kind {kind.accuracy:.3f} split {split.accuracy:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
