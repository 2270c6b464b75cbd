"""The residue ranker: candidates, one line per item, credits, Source slugs, calibrated scores."""

from __future__ import annotations

from aligner import analyze
from aligner.calibration import Logistic
from aligner.pairs import residue_candidates, residue_pairs, residue_scored
from train.calibration import auc

# ruff: noqa: E501 (pages hold whole paragraphs, one per line, as scrapers leave them)

# A French page whose first URL is its own (French slug) and whose Vietnamese original is named
# by a second URL at the foot; alt text glued to its credit, then the French caption.
PAGE = """\
URL: https://lecourrier.vn/le-premier-ministre-demande-de-lever-les-obstacles-aux-exportations-de-riz/1297415.html

Le Premier ministre demande de lever les obstacles aux exportations de riz

Vendredi, 14/11/2025 18:20

Le gouvernement veut aider les riziculteurs du delta du Mékong à écouler la récolte malgré la baisse des prix.

Thủ tướng Phạm Minh Chính chủ trì cuộc họp về xuất khẩu gạo. Ảnh: TTXVN

Le Premier ministre Pham Minh Chinh préside la réunion consacrée aux exportations de riz. Photo : VNA

Le 14 novembre à Hanoï, le Premier ministre a présidé une réunion avec les ministères et les provinces du delta.

Source: https://www.vietnamplus.vn/thu-tuong-yeu-cau-thao-go-kho-khan-cho-xuat-khau-gao-post1077302.vnp
"""


def _by_line() -> dict[int, set[int]]:
    out: dict[int, set[int]] = {}
    for pair in residue_pairs(analyze(PAGE)):
        out.setdefault(pair.vi.lines[0], set()).update(pair.fr.lines)
    return out


def test_the_slug_of_a_vietnamese_source_url_after_a_french_url_is_an_item() -> None:
    assert _by_line().get(15) == {3}, "the original's slug spells the headline's title"


def test_alt_text_pairs_with_the_french_caption_and_each_item_with_one_line() -> None:
    pairs = residue_pairs(analyze(PAGE))
    assert _by_line()[9] == {11}
    assert len({p.vi.segments for p in pairs}) == len(pairs)


def test_a_glued_photo_credit_is_no_candidate() -> None:
    texts = {c.pair.fr.text for item in residue_candidates(analyze(PAGE)) for c in item}
    assert "Photo : VNA" not in texts
    assert any(t.startswith("Le Premier ministre Pham Minh Chinh préside") for t in texts)


def test_every_item_is_scored_against_every_french_sentence() -> None:
    items = residue_candidates(analyze(PAGE))
    assert len(items) == 2  # the alt text and the slug
    assert len({len(item) for item in items}) == 1


def test_scores_are_calibrated_probabilities_and_the_ranker_decides() -> None:
    page = analyze(PAGE)
    for pair in residue_pairs(page):
        assert 0.0 < pair.score <= 1.0
    # a ranker that finds nothing probable pairs nothing; one that finds everything pairs all
    assert residue_scored(page, ranker=Logistic({}, -5.0)) == []
    assert len(residue_scored(page, ranker=Logistic({}, 5.0))) == 2
    raw = residue_pairs(page, calibrate=False)
    cal = residue_pairs(page, calibration=Logistic({"logit": 0.0, "margin": 0.0}, 0.0))
    assert [p.score for p in cal] == [0.5] * len(raw)


def test_auc() -> None:
    # (reason) perfect ranking, reversed ranking, ties count half
    assert auc([0.9, 0.8, 0.2], [1, 1, 0]) == 1.0
    assert auc([0.1, 0.8], [1, 0]) == 0.0
    assert auc([0.5, 0.5], [1, 0]) == 0.5
