"""Glued lines (aligner.glue): where a scraper joined two page elements, and where it did not."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aligner.glue import pieces

CASES = [
    (
        "Tổng Thư ký Liên Hợp Quốc: Công ước Hà Nội là trụ cột sốLe Premier ministre et le "
        "Secrétaire général",
        [
            "Tổng Thư ký Liên Hợp Quốc: Công ước Hà Nội là trụ cột số",
            "Le Premier ministre et le Secrétaire général",
        ],
        "Vietnamese alt text glued to the French caption: the script changes at the junction",
    ),
    (
        "Lũ dâng cao tại xã Mường Xén - Ảnh 1.Les eaux montent dans la commune de Muong Xen",
        ["Lũ dâng cao tại xã Mường Xén - Ảnh 1.", "Les eaux montent dans la commune de Muong Xen"],
        "a numbered photo ends the alt text",
    ),
    (
        "Le Courrier du VietnamMardi, 28/10/2025",
        ["Le Courrier du Vietnam", "Mardi, 28/10/2025"],
        "a banner glued to a date stamp that opens with a weekday",
    ),
    (
        "Nguyễn Thị Oanh về nhất nội dung 10.000m nữ. Ảnh: Hoàng Linh/TTXVNPhoto : VNA/CVN",
        ["Nguyễn Thị Oanh về nhất nội dung 10.000m nữ. Ảnh: Hoàng Linh/TTXVN", "Photo : VNA/CVN"],
        "a credit glued to the caption's own credit; '. Ảnh:' after a space stays in the caption",
    ),
    (
        "Lực lượng chức năng hỗ trợ người dân sơ tán. Ảnh: TTXVN|Des soldats aident les habitants",
        [
            "Lực lượng chức năng hỗ trợ người dân sơ tán. Ảnh: TTXVN",
            "|Des soldats aident les habitants",
        ],
        "a separator the scraper glued between two elements",
    ),
    (
        "Báo Chính PhủBáo Chính Phủ25/10/2025",
        ["Báo Chính PhủBáo Chính Phủ25/10/2025"],
        "an outlet printed twice and glued to a date is one byline (same kind, same language)",
    ),
    (
        "Le groupe VinFast à TP.HCM a signé un accord",
        ["Le groupe VinFast à TP.HCM a signé un accord"],
        "capitals inside brand names and abbreviations are not junctions",
    ),
    (
        "Theo dõi VietnamPlus trên Google News",
        ["Theo dõi VietnamPlus trên Google News"],
        "a brand inside a Vietnamese line: no language change behind it",
    ),
    (
        "Chú thích ảnh (Ảnh: Dương Giang/TTXVN)",
        ["Chú thích ảnh (Ảnh: Dương Giang/TTXVN)"],
        "a credit in parentheses stays with its caption",
    ),
    (
        "14/10/2025 09:15Le Vietnam et la France renforcent leur partenariat",
        ["14/10/2025 09:15Le Vietnam et la France renforcent leur partenariat"],
        "a piece without letters belongs to its neighbour",
    ),
]


@pytest.mark.parametrize(("line", "want", "reason"), CASES, ids=[c[2][:40] for c in CASES])
def test_pieces(line: str, want: list[str], reason: str) -> None:
    assert [line[s:e] for s, e in pieces(line)] == want, reason


def test_blank_line_has_no_piece() -> None:
    assert pieces("   \t ") == []


@given(st.text(alphabet="aàăâđếLPTVhậ |.:,-1/0 ", max_size=80))
def test_pieces_are_ordered_disjoint_and_cover_the_line(line: str) -> None:
    spans = pieces(line)
    assert all(s < e for s, e in spans)
    assert all(a[1] <= b[0] for a, b in pairwise(spans))
    rebuilt = "".join(line[s:e] for s, e in spans)
    assert rebuilt.replace(" ", "") == line.replace(" ", "").replace("\t", "")
    for s, e in spans:
        assert line[s:e] == line[s:e].strip()
