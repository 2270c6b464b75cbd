"""The JSON of :mod:`service.align.shapes` built without pydantic, for ``triglot analyze``.

Importing pydantic and building the shapes' models costs a command about a tenth of a
second, more than analysing a page; the command only prints what
``analysis_out(page, pairs).model_dump(mode="json")`` would give, so it builds the same dicts
(same keys in the same order, same values) from the aligner's dataclasses directly.
tests/test_cli_start.py holds the two to each other on every page of the corpus and the
seeds, and a field added to a shape without its twin here fails it.
"""

from __future__ import annotations

from typing import Any

from aligner import Page, PageMeta, RepeatGroup, Segment
from aligner.pairs import AlignedPair, Evidence, Unit


def _segment(s: Segment) -> dict[str, Any]:
    return {
        "idx": s.idx,
        "text": s.text,
        "lang": s.lang,
        "kind": s.kind,
        "start": s.start,
        "end": s.end,
        "line": s.line,
        "base_text": s.base_text,
        "photo_no": s.photo_no,
        "repeat_group": s.repeat_group,
    }


def _repeat(g: RepeatGroup) -> dict[str, Any]:
    return {"idx": g.idx, "text": g.text, "lang": g.lang, "segments": list(g.segments)}


def _meta(m: PageMeta) -> dict[str, Any]:
    return {
        "lang": m.lang,
        "source_url": m.source_url,
        "host": m.host,
        "slug": m.slug,
        "slug_words": list(m.slug_words),
        "article_id": m.article_id,
        "outlet": m.outlet,
        "date": m.date,
        "author": m.author,
        "titles": dict(m.titles),
    }


def _unit(u: Unit) -> dict[str, Any]:
    return {
        "text": u.text,
        "lang": u.lang,
        "kind": u.kind,
        "segments": list(u.segments),
        "lines": list(u.lines),
        "start": u.start,
        "end": u.end,
    }


def _evidence(e: Evidence) -> dict[str, Any]:
    return {"kind": e.kind, "anchor": e.anchor, "label": e.label, "weight": float(e.weight)}


def pair_dict(
    pair: AlignedPair, *, vi_file: str | None = None, fr_file: str | None = None
) -> dict[str, Any]:
    """``pair_out(pair, vi_file=..., fr_file=...).model_dump(mode="json")``."""
    return {
        "vi": pair.vi.text,
        "fr": pair.fr.text,
        "score": float(pair.score),
        "method": pair.method,
        "basis": pair.basis,
        "fr_focus": pair.fr_focus,
        "occurrences": len(pair.vi.segments),
        "evidence": [_evidence(e) for e in pair.evidence],
        "vi_unit": _unit(pair.vi),
        "fr_unit": _unit(pair.fr),
        "vi_file": vi_file,
        "fr_file": fr_file,
    }


def analysis_dict(page: Page, pairs: tuple[AlignedPair, ...] = ()) -> dict[str, Any]:
    """``analysis_out(page, pairs).model_dump(mode="json")``."""
    return {
        "meta": _meta(page.meta),
        "segments": [_segment(s) for s in page.segments],
        "repeats": [_repeat(g) for g in page.repeats],
        "pairs": [pair_dict(p) for p in pairs],
    }
