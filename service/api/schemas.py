"""JSON shapes of the HTTP API and of ``triglot analyze --json`` (pydantic, edge only)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import Path, Query
from pydantic import BaseModel, ConfigDict, Field

from aligner import Page
from aligner.pairs import AlignedPair
from service.store.db import MAX_ID
from service.store.documents import DocumentSummary, StoredDocument
from service.store.translations import SegmentTranslation

# Ids, versions and offsets over MAX_ID (64 bits) are refused (422).
IdPath = Annotated[int, Path(ge=1, le=MAX_ID, examples=[1])]
GlossaryName = Annotated[
    str, Path(max_length=100, examples=["vn-government-news"], description="Glossary name")
]
OffsetQuery = Annotated[int, Query(ge=0, le=MAX_ID)]
VersionQuery = Annotated[int, Query(ge=1, le=MAX_ID)]


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


class AlignmentsOut(BaseModel):
    document_id: int
    pairs: list[PairOut]


class DocumentOut(AnalysisOut):
    id: int
    name: str | None
    sha256: str
    created_at: dt.datetime
    created: bool | None = Field(None, description="On POST: whether this call stored it")


class DocumentSummaryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str | None
    lang: str
    source_url: str | None
    title: str | None
    n_segments: int
    created_at: dt.datetime


class DocumentListOut(BaseModel):
    items: list[DocumentSummaryOut]
    total: int
    offset: int
    limit: int


class DocumentIn(BaseModel):
    text: str = Field(description="The page text, one block per line")
    url: str | None = Field(None, description="Source URL, if the page does not carry one")
    name: str | None = Field(None, max_length=500, description="A name to list it by")


class AlignIn(BaseModel):
    src: str | list[str] = Field(
        description="Source document: a list of sentences, or a text that Triglot splits"
    )
    tgt: str | list[str] = Field(description="Target document, as `src`")
    src_lang: Literal["fr", "vi", "en"] = Field("fr", description="fr, vi or en")
    tgt_lang: Literal["fr", "vi", "en"] = Field("vi", description="fr, vi or en")
    max_size: int = Field(3, ge=1, le=6, description="Most sentences on one side of a bead")
    check_langs: bool = Field(True, description="Refuse text not in the declared language")


class BeadOut(BaseModel):
    src_idx: list[int]
    tgt_idx: list[int]
    score: float = Field(description="exp(-cost) of the bead, in [0, 1]")
    src: str = Field(description="The bead's source sentences joined by a space")
    tgt: str


class AlignOut(BaseModel):
    beads: list[BeadOut]
    src_sentences: list[str]
    tgt_sentences: list[str]


class SegmentTranslationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    segment_idx: int
    src_lang: str
    source: str
    text: str
    engine: str
    packages: list[str]
    pivot: str | None
    glossary_version: str | None = Field(description="NAME@VERSION of the glossary enforced")
    stale: bool = Field(
        default=False, description="Made with an older glossary version than the current one"
    )


class DocumentTranslationsOut(BaseModel):
    document_id: int
    target: str
    translations: list[SegmentTranslationOut]


def segment_translation_out(t: SegmentTranslation) -> SegmentTranslationOut:
    return SegmentTranslationOut.model_validate(t)


class TranslationHealth(BaseModel):
    packages: list[str]
    pairs: list[str]
    message: str


class HealthOut(BaseModel):
    status: str
    version: str
    database: str
    documents: int
    translation: TranslationHealth


class ErrorOut(BaseModel):
    error: str
    code: str


INPUT_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "Bad request (e.g. body not UTF-8)"},
    413: {"model": ErrorOut, "description": "Over a size limit"},
    415: {"model": ErrorOut, "description": "Unsupported content type"},
    422: {"model": ErrorOut, "description": "Invalid input"},
}
"""The answers of routes that read a body."""


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


def document_out(doc: StoredDocument, *, created: bool | None = None) -> DocumentOut:
    analysis = analysis_out(doc.page, doc.pairs)
    return DocumentOut(
        **analysis.model_dump(),
        id=doc.id,
        name=doc.name,
        sha256=doc.sha256,
        created_at=doc.created_at,
        created=created,
    )


def summary_out(item: DocumentSummary) -> DocumentSummaryOut:
    return DocumentSummaryOut.model_validate(item)
