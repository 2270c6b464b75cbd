"""Sentence alignment: invariants (Hypothesis), behaviour on known cases, bad input."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aligner import InvalidInputError
from aligner.beads import AlignParams, Bead, align, bead_types
from aligner.evaluation import Rates, perturb, score
from train.flores import FLORES, load_articles


def _assert_valid(beads: list[Bead], n: int, m: int, max_size: int) -> None:
    src = [i for b in beads for i in b.src_idx]
    tgt = [j for b in beads for j in b.tgt_idx]
    assert src == list(range(n)), "every source index exactly once, in order"
    assert tgt == list(range(m)), "every target index exactly once, in order"
    for b in beads:
        assert b.src_idx or b.tgt_idx
        assert len(b.src_idx) <= max_size
        assert len(b.tgt_idx) <= max_size
        assert (
            list(b.src_idx) == list(range(b.src_idx[0], b.src_idx[0] + len(b.src_idx)))
            if b.src_idx
            else True
        )
        assert 0.0 <= b.score <= 1.0


_SENTENCE = st.text(
    alphabet=st.sampled_from(list("abcdeé ĐđươHàNội0123456789.,!?()«»-")), max_size=60
)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(_SENTENCE, max_size=25),
    st.lists(_SENTENCE, max_size=25),
    st.integers(min_value=1, max_value=4),
)
def test_beads_are_monotone_and_cover_every_index_once(
    src: list[str], tgt: list[str], max_size: int
) -> None:
    beads = align(src, tgt, src_lang="fr", tgt_lang="vi", params=AlignParams(max_size=max_size))
    _assert_valid(beads, len(src), len(tgt), max_size)


@settings(max_examples=5, deadline=None)
@given(st.integers(min_value=300, max_value=700), st.integers(min_value=0, max_value=10**6))
def test_coarse_to_fine_search_keeps_the_invariants(n: int, seed: int) -> None:
    sentences = [s for article in load_articles() for s in article]
    doc = perturb(
        [s[0] for s in sentences[:n]],
        [s[1] for s in sentences[:n]],
        src_lang="fr",
        tgt_lang="vi",
        seed=seed,
    )
    beads = align(doc.src, doc.tgt, src_lang="fr", tgt_lang="vi")
    _assert_valid(beads, len(doc.src), len(doc.tgt), 3)
    assert score([doc.gold], [[(b.src_idx, b.tgt_idx) for b in beads]]).strict_f1 > 0.9


def test_perturbation_gold_covers_both_sides() -> None:
    sentences = [s for article in load_articles() for s in article][:200]
    doc = perturb(
        [s[0] for s in sentences],
        [s[1] for s in sentences],
        src_lang="fr",
        tgt_lang="vi",
        seed=3,
        rates=Rates(merge=0.2, merge3=0.1, drop=0.1, noise=0.1),
    )
    assert [i for s, _ in doc.gold for i in s] == list(range(len(doc.src)))
    assert [j for _, t in doc.gold for j in t] == list(range(len(doc.tgt)))
    shapes = {(len(s), len(t)) for s, t in doc.gold}
    assert {(1, 1), (1, 0), (0, 1), (2, 1), (1, 2)} <= shapes


@pytest.mark.parametrize(
    ("gold", "test", "strict_f1", "lax_f1", "reason"),
    [
        ([((0,), (0,)), ((1,), (1,))], [((0,), (0,)), ((1,), (1,))], 1.0, 1.0, "identical"),
        (
            [((0,), (0,)), ((1,), (1,))],
            [((0, 1), (0, 1))],
            0.0,
            1.0,
            "a merged bead overlaps both gold beads: lax only",
        ),
        (
            [((0,), (0,)), ((1,), ())],
            [((0,), (0,)), ((), (1,))],
            1.0,
            1.0,
            "beads with an empty side are not counted",
        ),
        ([((0,), (0,)), ((1,), (1,))], [((0,), (1,)), ((1,), (0,))], 0.0, 0.0, "crossed"),
    ],
)
def test_vecalign_metrics(
    gold: list[tuple[tuple[int, ...], tuple[int, ...]]],
    test: list[tuple[tuple[int, ...], tuple[int, ...]]],
    strict_f1: float,
    lax_f1: float,
    reason: str,
) -> None:
    got = score([gold], [test])
    assert (round(got.strict_f1, 3), round(got.lax_f1, 3)) == (strict_f1, lax_f1), reason


def test_merged_dropped_and_noise_lines_are_recognised() -> None:
    fr = [
        "Le Premier ministre Pham Minh Chinh a reçu mardi 12 ambassadeurs à Hanoï.",
        "La réunion a porté sur la coopération économique entre le Vietnam et la France.",
        "Les deux pays ont signé 3 accords sur l'énergie et l'éducation.",
        "Partager",
        "Selon le ministre, les échanges commerciaux ont atteint 5 milliards de dollars en 2024.",
    ]
    vi = [
        "Thủ tướng Phạm Minh Chính đã tiếp 12 đại sứ tại Hà Nội vào thứ Ba. Cuộc họp tập trung "
        "vào hợp tác kinh tế giữa Việt Nam và Pháp.",
        "Hai nước đã ký 3 hiệp định về năng lượng và giáo dục.",
        "Ảnh: TTXVN",
        "Theo bộ trưởng, kim ngạch thương mại đạt 5 tỷ USD trong năm 2024.",
    ]
    beads = [(b.src_idx, b.tgt_idx) for b in align(fr, vi, src_lang="fr", tgt_lang="vi")]
    # Two neighbouring unmatched lines may come in either order.
    assert set(beads) == {((0, 1), (0,)), ((2,), (1,)), ((3,), ()), ((), (2,)), ((4,), (3,))}


def test_bead_shapes() -> None:
    assert bead_types(1) == [(1, 0), (0, 1), (1, 1)]
    assert set(bead_types(3)) == {(1, 0), (0, 1), (1, 1), (1, 2), (2, 1), (1, 3), (3, 1), (2, 2)}


def test_one_side_empty_gives_every_line_unmatched() -> None:
    beads = align(["Une phrase.", "Deux."], [], src_lang="fr", tgt_lang="vi")
    assert [(b.src_idx, b.tgt_idx) for b in beads] == [((0,), ()), ((1,), ())]
    assert align([], [], src_lang="fr", tgt_lang="vi") == []


def test_a_megabyte_line_is_refused_with_its_position() -> None:
    with pytest.raises(InvalidInputError, match=r"source sentence 2 has 1000000 characters"):
        align(["court", "x" * 1_000_000], ["ngắn"], src_lang="fr", tgt_lang="vi")


def test_punctuation_only_lines_align_without_error() -> None:
    beads = align(["...", "!!!", "« »"], ["...", "!!!"], src_lang="fr", tgt_lang="vi")
    _assert_valid(beads, 3, 2, 3)


def test_bad_parameters_are_named() -> None:
    with pytest.raises(InvalidInputError, match="max_size must be between 1 and 6, not 0"):
        AlignParams(max_size=0)


def test_bead_text_format() -> None:
    assert str(Bead((0, 1), (0,), 0.8734)) == "[0,1]:[0]:0.873"
    assert str(Bead((5,), (), 0.1)) == "[5]:[]:0.100"


def test_flores_is_where_the_benchmark_expects_it() -> None:
    if not FLORES.exists():
        pytest.fail(f"FLORES-200 dev missing at {FLORES}: ../shared must sit beside the repo")
