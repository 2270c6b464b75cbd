"""Residue pairing on the seeds against the gold pairs, and cross-page pairing."""

from __future__ import annotations

from typing import Any

import pytest

from aligner import analyze
from aligner.pairs import page_pairs, residue_pairs
from tests.conftest import ROOT, SEEDS

PAGES = ROOT / "tests" / "fixtures" / "pages"


def _overlaps(ours: str, gold: str) -> bool:
    """The gold French may be a clause of the sentence we pair, or the other way round."""
    return gold in ours or ours in gold


@pytest.mark.parametrize("file_idx", [0, 1])
def test_gold_pairs_found_and_nothing_else(gold: dict[str, Any], file_idx: int) -> None:
    doc = gold["documents"][file_idx]
    page = analyze((SEEDS / doc["file"]).read_text(encoding="utf-8"))
    pairs = residue_pairs(page)
    assert len(pairs) == len(doc["pairs"]), [(p.vi.text, p.fr.text) for p in pairs]
    for want in doc["pairs"]:
        match = [p for p in pairs if list(p.vi.lines) == want["vi_lines"]]
        assert len(match) == 1, f"no pair for Vietnamese lines {want['vi_lines']}"
        pair = match[0]
        assert pair.vi.text == want["vi"]
        assert list(pair.fr.lines) == want["fr_lines"]
        assert _overlaps(pair.fr.text, want["fr"]), (pair.fr.text, want["fr"])
        assert pair.evidence, "every pair carries its evidence"
        assert 0.0 < pair.score <= 1.0
    unpaired = {u["text"] for u in doc["unpaired_vi"]}
    assert not unpaired & {p.vi.text for p in pairs}


def test_focus_narrows_a_long_sentence_to_the_corresponding_clause(gold: dict[str, Any]) -> None:
    doc = next(d for d in gold["documents"] if d["file"].startswith("000"))
    pair = residue_pairs(analyze((SEEDS / doc["file"]).read_text(encoding="utf-8")))[0]
    assert "Convention de Hanoï est le premier traité mondial de justice pénale" in pair.fr_focus
    assert "Convaincu" not in pair.fr_focus
    assert len(pair.fr_focus) < len(pair.fr.text) / 2


def test_repeated_caption_is_one_pair_with_every_occurrence(gold: dict[str, Any]) -> None:
    page = analyze((SEEDS / "004_606bed8f58cb9dd9.txt").read_text(encoding="utf-8"))
    caption = next(p for p in residue_pairs(page) if p.vi.kind == "caption")
    assert len(caption.vi.segments) == 11
    kinds = {e.kind for e in caption.evidence}
    assert {"concept", "name"} <= kinds
    labels = " ".join(e.label for e in caption.evidence)
    assert "convention = công ước" in labels
    assert "hanoi" in labels


def test_residue_on_another_page_of_the_genre() -> None:
    page = analyze((PAGES / "fr_edition.txt").read_text(encoding="utf-8"))
    pairs = residue_pairs(page)
    assert [(p.vi.kind, p.fr.kind) for p in pairs] == [("caption", "headline")]


def test_a_page_with_no_french_text_has_no_pairs() -> None:
    page = analyze((PAGES / "vi_original.txt").read_text(encoding="utf-8"))
    assert residue_pairs(page) == []


def test_vietnamese_original_with_its_french_version() -> None:
    vi = analyze((PAGES / "vi_004_original.txt").read_text(encoding="utf-8"))
    fr = analyze((SEEDS / "004_606bed8f58cb9dd9.txt").read_text(encoding="utf-8"))
    got = [(p.vi.lines, p.fr.lines) for p in page_pairs(vi, fr)]
    assert got == [
        ((1,), (3,)),  # headline
        ((3,), (5,)),  # lead
        ((5,), (13,)),
        ((7,), (15,)),
        ((9,), (17,)),
        ((11,), (23,)),  # three sentences of one paragraph, each with its French sentence
        ((11,), (23,)),
        ((11,), (23,)),
        ((13,), (72,)),  # the author, Hà Văn, signs the French version as Ha Van
    ]
    body = page_pairs(vi, fr)[-2]
    assert body.vi.text.startswith("Tội phạm mạng tác động")
    assert body.fr.text.startswith("La cybercriminalité a un impact")
