"""The genre corpus and the labeller trained on it.

The corpus' gold must be sound (every line annotated, pieces found on their lines); the shipped
model must be the one ``python -m train.labeller`` makes from the corpus as it is now; the
analysis of every corpus page keeps the offset invariant with glued-line pieces.
"""

from __future__ import annotations

from functools import lru_cache

import pytest

from aligner.labeller import Labeller, default_labeller
from aligner.page import analyze, draft_page, line_features
from train.corpus import GoldPage, check_pair_pages, pages, seed_pages
from train.scoring import score_segments

MIN_SITES = 8
MIN_FR_PAGES = 60
MIN_PAIRED_VI_PAGES = 12


@lru_cache(maxsize=1)
def corpus() -> tuple[GoldPage, ...]:
    return tuple(pages())


def test_corpus_gold_is_sound() -> None:
    found = corpus()
    problems = [f"{p.path.name}: {m}" for p in found for m in p.problems]
    problems += check_pair_pages(list(found))
    assert problems == []


def test_corpus_covers_the_genre() -> None:
    found = corpus()
    assert len({p.site for p in found}) >= MIN_SITES
    assert sum(p.lang == "fr" for p in found) >= MIN_FR_PAGES
    names = {p.path.name for p in found}
    paired = [p for p in found if p.lang == "vi" and p.gold.get("translation") in names]
    assert len(paired) >= MIN_PAIRED_VI_PAGES


def test_offsets_hold_on_every_corpus_page() -> None:
    for gp in corpus():
        page = analyze(gp.text)
        for seg in page.segments:
            assert page.text[seg.start : seg.end] == seg.text, (gp.name, seg.line)


def test_glued_lines_become_several_segments() -> None:
    # lecourrier-01 glues Vietnamese alt text and its credit to the French caption on line 13
    gp = next(p for p in corpus() if p.path.name == "lecourrier-01.fr.txt")
    page = analyze(gp.text)
    glued_line = 13
    on_line = [s for s in page.segments if s.line == glued_line]
    assert [s.lang for s in on_line] == ["vi", "fr"]


@pytest.mark.slow
def test_shipped_model_is_trained_on_the_current_corpus_and_features() -> None:
    from train.labeller import SEED_WEIGHT, train  # noqa: PLC0415 (pycrfsuite trainer)

    seeds = list(seed_pages())
    retrained = Labeller(train([p for p in corpus() if not p.problems] + seeds * SEED_WEIGHT))
    shipped = default_labeller()
    for gp in (*corpus(), *seeds):
        feats = line_features(draft_page(gp.text))
        assert [k for k, _ in retrained.tag(feats)] == [k for k, _ in shipped.tag(feats)], (
            f"{gp.name}: aligner/data/kinds.crfsuite is stale: run python -m train.labeller"
        )


def test_seeds_stay_perfect() -> None:
    for gp in seed_pages():
        lang, kind, split = score_segments(gp, analyze(gp.text))
        assert (lang.errors, kind.errors, split.errors) == ([], [], [])


@pytest.mark.slow
def test_shipped_calibrations_are_fitted_on_the_current_data() -> None:
    from aligner.calibration import (  # noqa: PLC0415
        BEADS_MODEL,
        PAIRS_MODEL,
        RANKER_MODEL,
        RESIDUE_MODEL,
        Logistic,
        fit,
        shipped,
    )
    from train.calibration import (  # noqa: PLC0415
        BEAD_SEEDS,
        bead_rows,
        pair_rows,
        residue_models,
    )
    from train.flores import documents  # noqa: PLC0415

    def same(a: Logistic, b: Logistic | None) -> bool:
        assert b is not None
        keys = set(a.weights) | set(b.weights)
        close = [abs(a.weights.get(k, 0) - b.weights.get(k, 0)) < 1e-4 for k in keys]
        return all(close) and abs(a.bias - b.bias) < 1e-4

    gold_pages = [p for p in corpus() if not p.problems] + list(seed_pages())
    rows = pair_rows(gold_pages)
    refit = fit([r[1] for r in rows], [r[2] for r in rows])
    assert same(refit, shipped(PAIRS_MODEL)), "stale: run python -m train.calibration"
    ranker, calibration, _ = residue_models(gold_pages)
    assert same(ranker, shipped(RANKER_MODEL)), "stale: run python -m train.calibration"
    assert same(calibration, shipped(RESIDUE_MODEL)), "stale: run python -m train.calibration"
    feats, labels = bead_rows([d for s in BEAD_SEEDS for d in documents("tune", seed=s)])
    assert same(fit(feats, labels), shipped(BEADS_MODEL)), "stale: run python -m train.calibration"


def test_calibration_fit_recovers_a_known_logistic() -> None:
    import random  # noqa: PLC0415

    from aligner.calibration import fit, reliability  # noqa: PLC0415

    rng = random.Random(3)
    rows, labels = [], []
    for _ in range(4000):
        x = rng.uniform(-3, 3)
        rows.append({"x": x})
        labels.append(int(rng.random() < 1 / (1 + 2.718281828 ** -(2 * x - 1))))
    model = fit(rows, labels, l2=0.01)
    assert abs(model.weights["x"] - 2) < 0.2
    assert abs(model.bias + 1) < 0.2
    for low, high, share, n in reliability([model.probability(r) for r in rows], labels):
        if n > 100:
            assert low - 0.05 <= share <= high + 0.05


def test_pair_units_point_at_their_text_on_every_corpus_page() -> None:
    from aligner.pairs import residue_pairs  # noqa: PLC0415

    for gp in corpus():
        for pair in residue_pairs(analyze(gp.text)):
            for unit in (pair.vi, pair.fr):
                assert gp.text[unit.start : unit.end] == unit.text, (gp.name, unit.text)
            assert not pair.fr.text.startswith("|"), "a glued separator is not French text"
