"""JSON shapes of a page analysis: segments, metadata, repeats and pairs (pydantic).

Shared by the HTTP API (``service.api.schemas`` builds on them) and ``triglot analyze
--json``; light on purpose (pydantic and the aligner only), so the command starts fast.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from aligner import Page
from aligner.pairs import AlignedPair


class SegmentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    idx: int
    text: str
    lang: str = Field(description="fr, vi, vi-ascii, en, mixed or und")
    kind: str = Field(
        description="headline, lead, paragraph, caption, credit, byline, banner, "
        "source, related or boilerplate"
    )
    start: int = Field(description="Offset of the first character in the page text")
    end: int = Field(description="Offset after the last character (text == page[start:end])")
    line: int = Field(description="1-based line number in the page")
    base_text: str | None = Field(None, description="Caption text without its photo number")
    photo_no: int | None = None
    repeat_group: int | None = Field(None, description="Index into `repeats`")


class RepeatOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    idx: int
    text: str
    lang: str
    segments: list[int] = Field(description="Indices of the segments where the text occurs")


class MetaOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    lang: str
    source_url: str | None
    host: str | None
    slug: str | None
    slug_words: list[str]
    article_id: str | None
    outlet: str | None
    date: str | None = Field(description="ISO 8601 date")
    author: str | None
    titles: dict[str, str] = Field(description="Headline per language found on the page")


class UnitOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    text: str
    lang: str
    kind: str = Field(description="Segment kind, or `slug` for the source URL's slug")
    segments: list[int] = Field(description="Segment indices (every occurrence)")
    lines: list[int]
    start: int = Field(description="Offset in the page text (first occurrence)")
    end: int


class EvidenceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    kind: str = Field(description="concept, name, number, punctuation or slug")
    anchor: str
    label: str
    weight: float = Field(description="How rare the anchor is on the page (log scale)")


class PairOut(BaseModel):
    vi: str
    fr: str
    score: float = Field(description="Calibrated probability that the pair is right, in [0, 1]")
    method: str = Field(description="`residue` (same page) or `cross-page`")
    basis: str = Field(
        "",
        description="How it was found: `shared-words`, `headline`, `neighbour-caption`, "
        "`slug-title`, `bilingual-label`; cross-page: `headline`, `lead`, `bead`, `byline`, "
        "`related`; empty for pairs stored before Triglot recorded it",
    )
    fr_focus: str = Field(description="The clauses of the French sentence that correspond")
    occurrences: int = Field(description="How many times the Vietnamese text occurs")
    evidence: list[EvidenceOut]
    vi_unit: UnitOut
    fr_unit: UnitOut
    vi_file: str | None = None
    fr_file: str | None = None


class AnalysisOut(BaseModel):
    meta: MetaOut
    segments: list[SegmentOut]
    repeats: list[RepeatOut]
    pairs: list[PairOut] = Field(default_factory=list)


def pair_out(
    pair: AlignedPair, *, vi_file: str | None = None, fr_file: str | None = None
) -> PairOut:
    return PairOut(
        vi=pair.vi.text,
        fr=pair.fr.text,
        score=pair.score,
        method=pair.method,
        basis=pair.basis,
        fr_focus=pair.fr_focus,
        occurrences=len(pair.vi.segments),
        evidence=[EvidenceOut.model_validate(e) for e in pair.evidence],
        vi_unit=UnitOut.model_validate(pair.vi),
        fr_unit=UnitOut.model_validate(pair.fr),
        vi_file=vi_file,
        fr_file=fr_file,
    )


def analysis_out(page: Page, pairs: tuple[AlignedPair, ...] = ()) -> AnalysisOut:
    return AnalysisOut(
        meta=MetaOut.model_validate(page.meta),
        segments=[SegmentOut.model_validate(s) for s in page.segments],
        repeats=[RepeatOut.model_validate(g) for g in page.repeats],
        pairs=[pair_out(p) for p in pairs],
    )
