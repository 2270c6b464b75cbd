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
from bench.corpus import GoldPage, check_pair_pages, pages, seed_pages
from bench.scoring import score_segments

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
