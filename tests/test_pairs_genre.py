"""Pairing habits of the genre beyond the seeds: slugs with lower-case names, URL shapes, the
French caption beside the alt text, and a French lead that summarises."""

from __future__ import annotations

import pytest

from aligner import analyze
from aligner.meta import parse_url
from aligner.pairs import page_pairs, residue_pairs

# ruff: noqa: E501 (pages hold whole paragraphs, one per line, as scrapers leave them)

FR_PAGE = """\
Actualités

Le secrétaire général To Lam reçoit le directeur général de la FAO

Hanoï, 12/11/2025 10:20

Le secrétaire général du Parti To Lam a reçu mercredi à Hanoï le directeur général de la FAO, Qu Dongyu, venu discuter de la sécurité alimentaire et de l'agriculture verte.

Tổng Bí thư Tô Lâm tiếp Tổng Giám đốc FAO Khuất Đông Ngọc - Ảnh 1.

Le secrétaire général To Lam et le directeur général de la FAO, Qu Dongyu. Photo : VNA

Les deux parties ont salué la coopération dans la riziculture et la lutte contre la faim.

Nông dân Cần Thơ thu hoạch lúa trên cánh đồng lớn.

Des agriculteurs de Can Tho récoltent le riz dans un grand champ.

Le dirigeant a demandé à la FAO d'aider le Vietnam à réduire les émissions dans la culture du riz.

Source: https://nhandan.vn/tong-bi-thu-to-lam-tiep-tong-giam-doc-fao-khuat-dong-ngoc-post917342.html
"""


def _pairs_by_line() -> dict[int, set[int]]:
    out: dict[int, set[int]] = {}
    for pair in residue_pairs(analyze(FR_PAGE)):
        out.setdefault(pair.vi.lines[0], set()).update(pair.fr.lines)
    return out


def test_title_alt_text_and_slug_pair_with_the_headline() -> None:
    pairs = _pairs_by_line()
    assert pairs[9] == {3}, "the Vietnamese title under the photo is the headline's"
    assert pairs[21] == {3}, "the slug spells the same title"


def test_alt_text_pairs_with_the_french_caption_beside_it() -> None:
    assert _pairs_by_line()[15] == {17}


def test_lower_case_slug_names_are_evidence() -> None:
    slug = next(p for p in residue_pairs(analyze(FR_PAGE)) if p.vi.kind == "slug")
    assert "tolam" in {e.label for e in slug.evidence}


@pytest.mark.parametrize(
    ("url", "slug", "article_id"),
    [
        (
            "https://lecourrier.vn/le-riz-se-vend-bien/1297415.html",
            "le-riz-se-vend-bien",
            "1297415",
        ),
        (
            "https://fr.vietnamplus.vn/le-riz-se-vend-bien/257341.vnp",
            "le-riz-se-vend-bien",
            "257341",
        ),
        (
            "https://laodong.vn/kinh-te/gia-lua-tang-manh-1598340.ldo",
            "gia-lua-tang-manh",
            "1598340",
        ),
        ("https://cafef.vn/gia-lua-tang-manh-188251120.chn", "gia-lua-tang-manh", "188251120"),
        (
            "https://congdoan.vn/cong-doan-247/cong-doan-ho-tro-17342.tld",
            "cong-doan-ho-tro",
            "17342",
        ),
        ("https://vov.vn/kinh-te/gia-lua-tang-post1241452.vov/amp", "gia-lua-tang", "1241452"),
    ],
)
def test_slug_of_every_url_shape(url: str, slug: str, article_id: str) -> None:
    info = parse_url(url)
    assert (info.slug, info.article_id) == (slug, article_id)


VI_ORIGINAL = """\
Tổng Bí thư Tô Lâm tiếp Tổng Giám đốc FAO Khuất Đông Ngọc

Chiều 12/11, tại Hà Nội, Tổng Bí thư Tô Lâm tiếp Tổng Giám đốc FAO Khuất Đông Ngọc đang thăm Việt Nam.

Tổng Bí thư đánh giá cao sự hỗ trợ của FAO đối với nông nghiệp Việt Nam trong nhiều năm qua.

Tổng Giám đốc FAO khẳng định sẽ tiếp tục hỗ trợ Việt Nam giảm phát thải trong trồng lúa.
"""

FR_VERSION = """\
Le secrétaire général To Lam reçoit le directeur général de la FAO

La sécurité alimentaire et l'agriculture verte étaient au cœur d'un entretien à Hanoï.

Le 12 novembre à Hanoï, le secrétaire général du Parti To Lam a reçu le directeur général de la FAO, Qu Dongyu, en visite au Vietnam.

Le secrétaire général a salué le soutien de la FAO à l'agriculture vietnamienne depuis de nombreuses années.

Le directeur général de la FAO a affirmé que l'organisation continuerait d'aider le Vietnam à réduire les émissions dans la culture du riz.
"""


def test_a_summary_lead_lets_the_vietnamese_lead_pair_with_its_translation() -> None:
    vi, fr = analyze(VI_ORIGINAL), analyze(FR_VERSION)
    lines = {(p.vi.lines[0], p.fr.lines[0]) for p in page_pairs(vi, fr)}
    assert (1, 1) in lines
    assert (3, 5) in lines, "the Vietnamese lead is translated by the body line after the summary"
    assert (5, 7) in lines
    assert (7, 9) in lines
