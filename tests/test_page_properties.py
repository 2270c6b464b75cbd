"""Invariants of page analysis on arbitrary text (Hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from aligner import KINDS, analyze
from aligner.langid import LANGS

_ALPHABET = st.sampled_from(
    [*list("abcdeéèêàôûçđăơưạảấầệịọủứữ ABCĐÉ .,;:«»-–()/0123456789"), "\n", "\n\n", "\r\n"]
)
_TEXT = st.lists(_ALPHABET, min_size=1, max_size=400).map("".join)


@settings(max_examples=150, deadline=None)
@given(_TEXT)
def test_segments_cover_the_non_blank_lines_with_exact_offsets(text: str) -> None:
    if not text.strip():
        return
    page = analyze(text)
    # Each segment is a non-blank line or a piece of one cut where two page elements were glued
    # ("... công lý sốLe Premier"): nothing is lost, added or reordered, and no segment spans lines.
    squeezed = "".join(text.split())
    assert "".join("".join(s.text.split()) for s in page.segments) == squeezed
    for seg in page.segments:
        assert seg.text
        assert seg.text == seg.text.strip()
        assert "\n" not in seg.text
    previous_end = 0
    for idx, seg in enumerate(page.segments):
        assert seg.idx == idx
        assert text[seg.start : seg.end] == seg.text
        assert seg.start >= previous_end
        previous_end = seg.end
        assert seg.kind in KINDS
        assert seg.lang in LANGS
    for group in page.repeats:
        assert len(group.segments) >= 2
        assert all(page.segments[i].repeat_group == group.idx for i in group.segments)


def test_a_glued_line_is_cut_and_loses_nothing() -> None:
    """Hypothesis's example: a Vietnamese word glued to a French-looking one is a junction."""
    text = "đ aAa a"
    page = analyze(text)
    assert [s.text for s in page.segments] == ["đ a", "Aa a"]
    assert [text[s.start : s.end] for s in page.segments] == ["đ a", "Aa a"]
