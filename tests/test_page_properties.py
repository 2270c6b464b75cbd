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
def test_segments_are_the_non_blank_lines_with_exact_offsets(text: str) -> None:
    if not text.strip():
        return
    page = analyze(text)
    non_blank = [ln.strip() for ln in text.splitlines() if ln.strip()]
    assert [s.text for s in page.segments] == non_blank
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
